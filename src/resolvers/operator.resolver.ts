import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { Role } from '../entities/user.entity';
import { OperatorSnapshot } from '../schema/operator.types';
import { toId } from '../schema/product.inputs';
import type { OperatorService } from '../services/ops/operator.service';

@Resolver()
export class OperatorResolver {
  constructor(private readonly operator: OperatorService) {}

  @Authorized(Role.ADMIN)
  @Query(() => OperatorSnapshot, {
    description:
      'Admins: a drop’s live figures for the operator’s view, meant to be polled each second.',
  })
  async operatorSnapshot(
    @Ctx() ctx: RequestContext,
    @Arg('productId', () => ID) productId: string,
  ): Promise<OperatorSnapshot> {
    const snap = await this.operator.snapshot(ctx.em, toId(productId, 'productId'));
    const { counts, ...rest } = snap;
    return Object.assign(new OperatorSnapshot(), {
      ...rest,
      purchases: counts.purchases,
      pays: counts.pays,
      paid: counts.paid,
      refusals: [...counts.refusals].map(([reason, count]) => ({ reason, count })),
    });
  }
}
