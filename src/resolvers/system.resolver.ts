import { Query, Resolver } from 'type-graphql';

@Resolver()
export class SystemResolver {
  @Query(() => Date, { description: 'The server clock, so client countdowns agree with it.' })
  serverTime(): Date {
    return new Date();
  }
}
