import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/mysql';
import { createRequestContext, type RequestContext } from './context';

describe('request context', () => {
  it('forks the entity manager only for an operation that uses it, in the copy Apollo runs with', async () => {
    let forks = 0;
    const root = { fork: () => ({ fork: ++forks }) } as unknown as EntityManager;
    const apollo = new ApolloServer<RequestContext>({
      typeDefs: 'type Query { plain: Int, orm: Int }',
      resolvers: {
        Query: {
          plain: () => 1,
          orm: (_: unknown, __: unknown, ctx: RequestContext) =>
            (ctx.em as unknown as { fork: number }).fork +
            (ctx.em as unknown as { fork: number }).fork,
        },
      },
    });
    await apollo.start();
    try {
      const run = async (query: string) => {
        const res = await apollo.executeOperation(
          { query },
          { contextValue: createRequestContext(root, null) },
        );
        return res.body.kind === 'single' ? res.body.singleResult.data : undefined;
      };
      expect(await run('{ plain }')).toEqual({ plain: 1 });
      expect(forks).toBe(0);
      // One fork per request however often it is read.
      expect(await run('{ orm }')).toEqual({ orm: 2 });
      expect(forks).toBe(1);
    } finally {
      await apollo.stop();
    }
  });
});
