import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';

/** A frame of a public topic: every frame of one channel has a higher version than the last. */
export interface VersionedFrame {
  version: number;
}

/**
 * A subscription field whose events are the same for everyone (no viewer in them), so one
 * execution per frame serves every socket that asked the same operation.
 */
export interface PublicTopic<
  A = Record<string, unknown>,
  F extends VersionedFrame = VersionedFrame,
> {
  /** The Redis channel of the field's arguments. */
  channel(args: A): string;
  /** The current frame for a new subscriber; throws (e.g. NOT_FOUND) to refuse the subscription. */
  current(args: A): Promise<F>;
  /** A frame that ends the topic's story (e.g. SOLD_OUT): sent at once, whatever the budget. */
  isFinal(frame: F): boolean;
}

/** A topic of any argument type, as the hub stores it. */
export type AnyTopic = PublicTopic<never, VersionedFrame>;
export type CallableTopic = PublicTopic<unknown, VersionedFrame>;

/** What `prepare` found in an operation: a public subscription, and where its frames come from. */
export interface FanoutPlan {
  topic: AnyTopic;
  args: Record<string, unknown>;
  channel: string;
  key: string;
}

/**
 * The fan-out plan of an operation: a subscription with exactly one root field that is a public
 * topic, its coerced arguments, its Redis channel, and the key of its group (same document,
 * operation name and variables). Anything else is not fanned out (undefined).
 */
export function planFanout(
  args: ExecutionArgs,
  topics: Record<string, AnyTopic>,
): FanoutPlan | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== 'subscription') return undefined;
  const type = args.schema.getSubscriptionType();
  if (!type) return undefined;
  const coerced = getVariableValues(
    args.schema,
    operation.variableDefinitions ?? [],
    (args.variableValues ?? {}) as Record<string, unknown>,
  );
  if (coerced.errors) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const d of args.document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const fields = collectFields(
    args.schema,
    fragments,
    coerced.coerced,
    type,
    operation.selectionSet,
  );
  if (fields.size !== 1) return undefined;
  const [nodes] = fields.values();
  const name = nodes[0].name.value;
  const topic = topics[name];
  const def = type.getFields()[name];
  if (!topic || !def) return undefined;
  const fieldArgs = getArgumentValues(def, nodes[0], coerced.coerced);
  const channel = (topic as CallableTopic).channel(fieldArgs);
  const key = JSON.stringify([
    channel,
    args.operationName ?? null,
    args.variableValues ?? null,
    documentKey(args.document),
  ]);
  return { topic, args: fieldArgs, channel, key };
}

/** Documents are keyed by their source text when parsed from one, else by identity. */
const documentIds = new WeakMap<DocumentNode, string>();
let nextDocumentId = 0;
function documentKey(document: DocumentNode): string {
  const source = document.loc?.source.body;
  if (source !== undefined) return source;
  let id = documentIds.get(document);
  if (!id) {
    id = `#${nextDocumentId++}`;
    documentIds.set(document, id);
  }
  return id;
}
