import 'reflect-metadata';
import { loadConfig } from '../config';
import { createRequestContext } from '../context';
import { createOrm } from '../clients/orm';
import { createRedis } from '../clients/redis';
import { Product } from '../entities/product.entity';
import { Role, User } from '../entities/user.entity';
import { normaliseEmail } from '../services/members/auth.service';
import { PasswordHasher } from '../services/members/password-hasher';
import { ProductService, type NewProduct } from '../services/catalog/product.service';
import { SaleStore } from '../services/sale/sale-store';
import { StockService } from '../services/sale/stock.service';

// Development defaults, printed below; set SEED_ADMIN_PASSWORD / SEED_MEMBER_PASSWORD to choose.
const DEFAULT_ADMIN_EMAIL = 'admin@rocket-mart.local';
const DEFAULT_ADMIN_PASSWORD = 'rocket-admin-dev';
const DEFAULT_MEMBER_PASSWORD = 'rocket-member-dev';
const MEMBERS = [
  { email: 'ada@rocket-mart.local', name: 'Ada' },
  { email: 'linus@rocket-mart.local', name: 'Linus' },
  { email: 'grace@rocket-mart.local', name: 'Grace' },
];
const HOUR = 3_600_000;

/** Sample products: a live flash sale with tiny stock, an upcoming sale and ordinary products. */
function sampleProducts(now: number): NewProduct[] {
  return [
    {
      name: 'Rocket Sneakers — flash sale',
      description: 'Limited run: 10 pairs, at most 2 per member. The sale is live for a day.',
      price: 4_900,
      stock: 10,
      purchaseLimit: 2,
      saleStartsAt: new Date(now),
      saleEndsAt: new Date(now + 24 * HOUR),
    },
    {
      name: 'Moon Boots — upcoming sale',
      description: 'The sale opens in an hour; watch the countdown against serverTime.',
      price: 12_900,
      stock: 50,
      purchaseLimit: 3,
      saleStartsAt: new Date(now + HOUR),
      saleEndsAt: new Date(now + 25 * HOUR),
    },
    {
      name: 'Space Socks',
      description: 'Always in stock, no sale window.',
      price: 900,
      stock: 500,
    },
    {
      name: 'Orbit Mug',
      description: 'Holds 350 ml of coffee in any gravity.',
      price: 1_500,
      stock: 200,
    },
    { name: 'Comet Hoodie', description: 'Warm, with a tail.', price: 5_900, stock: 80 },
  ];
}

/**
 * Fills a development database: an admin, verified sample members and sample products with a
 * live sale. Safe to run again: existing accounts and products (matched by email and name) are
 * kept as they are. Refuses to run when NODE_ENV=production.
 */
async function main() {
  const config = loadConfig();
  if (config.env === 'production')
    throw new Error('seed is for development databases; refusing in production');
  // Like create-admin, the seed reads its own variables: they configure this command only.
  const adminEmail = normaliseEmail(process.env.SEED_ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL);
  const adminPassword = process.env.SEED_ADMIN_PASSWORD || DEFAULT_ADMIN_PASSWORD;
  const memberPassword = process.env.SEED_MEMBER_PASSWORD || DEFAULT_MEMBER_PASSWORD;
  for (const password of [adminPassword, memberPassword]) {
    if (password.length < 8 || password.length > 128)
      throw new Error('seed passwords must be 8 to 128 characters');
  }

  const orm = await createOrm(config.mysql);
  const redis = createRedis(config.redis, 'seed');
  await redis.connect();
  const stock = new StockService(
    new SaleStore(redis, config.redis.keyPrefix),
    config.sale.stockFrameMs,
  );
  try {
    const pending = await orm.getMigrator().getPendingMigrations();
    if (pending.length)
      throw new Error('the database has pending migrations: run `npm run migrate` first');
    const hasher = new PasswordHasher(config.auth.argon2);
    const em = orm.em.fork();

    const accounts = [
      { email: adminEmail, name: 'Shop Admin', role: Role.ADMIN, password: adminPassword },
    ].concat(MEMBERS.map((m) => ({ ...m, role: Role.USER, password: memberPassword })));
    for (const account of accounts) {
      const existing = await em.findOne(User, { email: account.email });
      if (existing) {
        console.log(
          `kept     ${account.role.padEnd(5)} ${account.email} (exists; password unchanged)`,
        );
        continue;
      }
      em.create(User, {
        email: account.email,
        name: account.name,
        role: account.role,
        passwordHash: await hasher.hash(account.password),
        emailVerifiedAt: new Date(),
      });
      await em.flush();
      console.log(
        `created  ${account.role.padEnd(5)} ${account.email}  password: ${account.password}`,
      );
    }

    const products = new ProductService(stock);
    const ctx = createRequestContext(orm.em, null);
    for (const input of sampleProducts(Date.now())) {
      const existing = await ctx.em.findOne(Product, { name: input.name, deletedAt: null });
      const product = existing ?? (await products.create(ctx, input));
      const [remaining] = await stock.remaining(ctx.em, [product.id]);
      console.log(
        `${existing ? 'kept    ' : 'created '} product #${product.id} ${product.name}: ` +
          `${await products.saleState(ctx, product)}, ${remaining} of ${product.stock} left, price ${product.price}`,
      );
    }
    console.log(
      `\nTry it: open ${config.publicUrl}/graphql, run mutation login(input: { email: "${MEMBERS[0]!.email}", ` +
        `password: "${memberPassword}" }) and send the accessToken as "Authorization: Bearer <token>".`,
    );
  } finally {
    stock.stop();
    await redis.quit().catch(() => undefined);
    await orm.close(true);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
