import {
  IsOptional,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  NotEquals,
  ValidateNested,
} from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SaleState } from '../entities/product.entity';
import { BadUserInputError } from '../errors';
import { ProductSort } from '../services/catalog/product.service';
import { ConnectionArgs } from './pagination';
import { WaitingRoomInput } from './waiting-room.inputs';

// Bounds keep every figure inside MySQL's unsigned INT and totals inside a safe integer.
export const MAX_STOCK = 1_000_000_000;
export const MAX_PURCHASE_LIMIT = 1_000;
const DESCRIPTION_MAX = 5_000;
/** Ids are unsigned INT auto-increment values written as decimal strings. */
export const ID_PATTERN = /^[1-9][0-9]{0,9}$/;

/** The numeric id behind an `ID` argument; anything else is BAD_USER_INPUT on `field`. */
export function toId(value: string, field: string): number {
  const id = ID_PATTERN.test(value) ? Number(value) : NaN;
  if (!(id <= 0xffffffff)) throw new BadUserInputError(`${field} is not a valid id`, field);
  return id;
}

registerEnumType(ProductSort, {
  name: 'ProductSort',
  description: 'Order of `products`; ties are broken by id so pages never overlap.',
  valuesConfig: {
    NEWEST: { description: 'Most recently created first.' },
    PRICE_ASC: { description: 'Cheapest first.' },
    PRICE_DESC: { description: 'Most expensive first.' },
    LIKES: { description: 'Most liked first.' },
  },
});

@InputType()
export class ProductFilter {
  @Field(() => SaleState, {
    nullable: true,
    description:
      'UPCOMING and ENDED follow the sale window. LIVE and SOLD_OUT also split on the durable ' +
      'MySQL stock, which trails the live counter while reservations are unpaid.',
  })
  @IsOptional()
  saleState?: SaleState | null;

  @Field(() => String, {
    nullable: true,
    description: 'Matches name or description (substring, case-insensitive).',
  })
  @IsOptional()
  @MaxLength(100)
  text?: string | null;
}

@ArgsType()
export class ProductsArgs extends ConnectionArgs {
  @Field(() => ProductFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ProductFilter | null;

  @Field(() => ProductSort, { defaultValue: ProductSort.NEWEST })
  sort: ProductSort = ProductSort.NEWEST;
}

@InputType()
export class CreateProductInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true, defaultValue: '' })
  @IsOptional()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @Field(() => Int, { description: 'Price in minor currency units.' })
  @Min(0)
  price!: number;

  @Field(() => Int, { description: 'Units for sale.' })
  @Min(0)
  @Max(MAX_STOCK)
  stock!: number;

  @Field(() => Date, { nullable: true, description: 'UTC instant the sale opens; null: open now.' })
  @IsOptional()
  saleStartsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'UTC instant the sale closes; null: no end.' })
  @IsOptional()
  saleEndsAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: `Lifetime units per member, 1 to ${MAX_PURCHASE_LIMIT}; null: none.`,
  })
  @IsOptional()
  @Min(1)
  @Max(MAX_PURCHASE_LIMIT)
  purchaseLimit?: number | null;

  @Field(() => WaitingRoomInput, {
    nullable: true,
    description: 'Sell through a waiting room (see docs/waiting-room.md); null: no room.',
  })
  @IsOptional()
  @ValidateNested()
  waitingRoom?: WaitingRoomInput | null;
}

@InputType({ description: 'Only the fields given change; null clears a nullable field.' })
export class UpdateProductInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;

  @Field(() => String, { nullable: true, description: 'null leaves it unchanged.' })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'null leaves it unchanged.' })
  @IsOptional()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'null leaves it unchanged.' })
  @IsOptional()
  @Min(0)
  price?: number | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  saleStartsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  saleEndsAt?: Date | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(MAX_PURCHASE_LIMIT)
  purchaseLimit?: number | null;

  @Field(() => WaitingRoomInput, {
    nullable: true,
    description: 'Creates or changes the waiting room; null removes it; omitted leaves it.',
  })
  @IsOptional()
  @ValidateNested()
  waitingRoom?: WaitingRoomInput | null;
}

@InputType()
export class RestockProductInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;

  @Field(() => Int, { description: 'Units to add to durable and live stock; negative removes.' })
  @NotEquals(0)
  @Min(-MAX_STOCK)
  @Max(MAX_STOCK)
  quantity!: number;
}
