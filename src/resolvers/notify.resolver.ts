import {
  Arg,
  Authorized,
  Ctx,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import type { AppPubSub } from '../clients/pubsub';
import { resolverOf, type RequestContext } from '../context';
import { NotifyRequest } from '../entities/notify-request.entity';
import { CancelNotifyMeInput, DropLifecycle, NotifyMeInput } from '../schema/notify.types';
import { toId } from '../schema/product.inputs';
import { TOPICS } from '../schema/topics';
import type { DropLifecycle as Lifecycle, LifecycleFrame } from '../services/notify/drop-lifecycle';
import type { NotifyService } from '../services/notify/notify.service';
import { currentThenNewer } from './event-stream';
import { viewerOf } from './viewer';

type LifecycleArgs = { productId: string };

@Resolver()
export class NotifyResolver {
  constructor(
    private readonly notify: NotifyService,
    private readonly lifecycle: Lifecycle,
    private readonly pubSub: AppPubSub,
  ) {}

  @Authorized()
  @Query(() => [NotifyRequest], {
    description: 'Products the viewer asked to be told about, newest first.',
  })
  myNotifications(@Ctx() ctx: RequestContext): Promise<NotifyRequest[]> {
    return this.notify.list(ctx, viewerOf(ctx));
  }

  @Authorized()
  @Mutation(() => NotifyRequest, {
    description:
      'Mail me when this product’s sale starts (a few minutes ahead, with a link into its line) or when it is restocked. Idempotent; replaces the events asked for earlier. NOT_FOUND for an unknown product.',
  })
  notifyMe(@Ctx() ctx: RequestContext, @Arg('input') input: NotifyMeInput): Promise<NotifyRequest> {
    const productId = toId(input.productId, 'productId');
    return this.notify.notifyMe(ctx, viewerOf(ctx), productId, input.events);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Stops every notice of this product to the viewer; false when none was asked.',
  })
  cancelNotifyMe(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: CancelNotifyMeInput,
  ): Promise<boolean> {
    return this.notify.cancel(ctx, viewerOf(ctx), toId(input.productId, 'productId'));
  }

  /** The current frame, then every newer one. */
  frames(ctx: RequestContext, productId: number): Promise<AsyncIterable<LifecycleFrame>> {
    return currentThenNewer(this.pubSub, TOPICS.DROP_LIFECYCLE, productId, () =>
      this.lifecycle.current(ctx.em, productId),
    );
  }

  @Subscription(() => DropLifecycle, {
    description:
      'A drop’s sale opening, restocks, selling out and end, for anyone: the last event at once, then each new one. NOT_FOUND for an unknown or unlisted product.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, LifecycleArgs, RequestContext>) =>
      resolverOf(context, NotifyResolver).frames(context, toId(args.productId, 'productId')),
  })
  dropLifecycle(
    @Arg('productId', () => ID) _productId: string,
    @Root() frame: LifecycleFrame,
  ): DropLifecycle {
    return Object.assign(new DropLifecycle(), frame, { at: new Date(frame.at) });
  }
}
