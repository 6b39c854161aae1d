/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query RocketStockProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      saleStartsAt\n      saleEndsAt\n      remainingStock\n      saleState\n    }\n  }\n": typeof types.RocketStockProductDocument,
    "\n  subscription RocketStock($id: ID!) {\n    stockChanged(productId: $id) {\n      remaining\n      saleState\n      version\n    }\n  }\n": typeof types.RocketStockDocument,
    "\n  subscription RocketStockRoom($id: ID!) {\n    waitingRoom(productId: $id) {\n      version\n      state\n      serverTime\n      servedThrough\n      admitPerMinuteLow\n      admitPerMinuteHigh\n      admissionSeconds\n    }\n  }\n": typeof types.RocketStockRoomDocument,
};
const documents: Documents = {
    "\n  query RocketStockProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      saleStartsAt\n      saleEndsAt\n      remainingStock\n      saleState\n    }\n  }\n": types.RocketStockProductDocument,
    "\n  subscription RocketStock($id: ID!) {\n    stockChanged(productId: $id) {\n      remaining\n      saleState\n      version\n    }\n  }\n": types.RocketStockDocument,
    "\n  subscription RocketStockRoom($id: ID!) {\n    waitingRoom(productId: $id) {\n      version\n      state\n      serverTime\n      servedThrough\n      admitPerMinuteLow\n      admitPerMinuteHigh\n      admissionSeconds\n    }\n  }\n": types.RocketStockRoomDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RocketStockProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      saleStartsAt\n      saleEndsAt\n      remainingStock\n      saleState\n    }\n  }\n"): typeof import('./graphql').RocketStockProductDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RocketStock($id: ID!) {\n    stockChanged(productId: $id) {\n      remaining\n      saleState\n      version\n    }\n  }\n"): typeof import('./graphql').RocketStockDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RocketStockRoom($id: ID!) {\n    waitingRoom(productId: $id) {\n      version\n      state\n      serverTime\n      servedThrough\n      admitPerMinuteLow\n      admitPerMinuteHigh\n      admissionSeconds\n    }\n  }\n"): typeof import('./graphql').RocketStockRoomDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
