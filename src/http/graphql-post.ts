import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import getRawBody from 'raw-body';
import type { RequestContext } from '../context';

/** A JSON error body in the GraphQL shape, as every refusal of the HTTP layer answers. */
export function errorBody(message: string, code: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/**
 * Whether a request is a GraphQL POST this handler takes: `/graphql` (with or without a query
 * string) and an uncompressed JSON body. Anything else (GET, preflights, other content types,
 * compressed bodies) goes through the Express app.
 */
export function isPlainGraphqlPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (url !== '/graphql' && !url.startsWith('/graphql?')) return false;
  const type = req.headers['content-type'];
  if (typeof type !== 'string' || !/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type))
    return false;
  const encoding = req.headers['content-encoding'];
  return encoding === undefined || encoding.toLowerCase() === 'identity';
}

export interface GraphqlPostOptions {
  apollo: ApolloServer<RequestContext>;
  /** Largest body: bytes, or a size such as `64kb`. */
  limit: number | string;
  /** The request's context (authentication); throws the GraphQLError Apollo answers with. */
  context: (req: IncomingMessage) => Promise<RequestContext>;
  /** Runs first, before the body is read: the response deadline, CORS headers. */
  prepare: (req: IncomingMessage, res: ServerResponse) => void;
  onError: (err: unknown) => void;
}

/**
 * GraphQL over HTTP POST straight on Node's request and response, through Apollo's own
 * integration API (`executeHTTPGraphQLRequest`), the way @as-integrations/express5 does inside
 * Express. The sale's requests are all JSON POSTs, and Express's router, body parser and
 * middleware chain cost more CPU than the operation itself for the smallest of them; those
 * requests skip it, with the same answers: 413 PAYLOAD_TOO_LARGE over the limit, 400
 * BAD_REQUEST for a body that is no JSON, the response deadline, CORS.
 */
export function createGraphqlPost(options: GraphqlPostOptions) {
  const { apollo, limit } = options;

  const send = (res: ServerResponse, status: number, body: string) => {
    if (res.headersSent) return;
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(body);
  };

  async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    let text: string;
    try {
      text = await getRawBody(req, {
        length: req.headers['content-length'],
        limit,
        encoding: 'utf8',
      });
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      if (status === 413)
        send(res, 413, errorBody('request entity too large', 'PAYLOAD_TOO_LARGE'));
      else send(res, status, errorBody((err as Error).message, 'BAD_REQUEST'));
      return undefined;
    }
    // body-parser's rules: an empty body is an empty object; otherwise an object or an array.
    if (!text.trim()) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      send(res, 400, errorBody('The request body is not valid JSON', 'BAD_REQUEST'));
      return undefined;
    }
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      options.prepare(req, res);
      const body = await readJson(req, res);
      if (body === undefined) return;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const url = req.url ?? '';
      const query = url.indexOf('?');
      const request: HTTPGraphQLRequest = {
        method: 'POST',
        headers,
        search: query < 0 ? '' : url.slice(query),
        body,
      };
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        context: () => options.context(req),
      });
      if (res.headersSent) return; // answered already (the response deadline)
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (err) {
      options.onError(err);
      send(res, 500, errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
    }
  };
}
