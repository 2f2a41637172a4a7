/**
 * The store's last line: no query may write `Infinity`, `-Infinity` or `NaN`. SQLite would keep
 * them as REAL ±Inf (or NULL), and every later read of that row would break views and arithmetic
 * for everyone. Validation refuses such input long before; this makes the promise hold for any path.
 */
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';

function check(value: unknown): void {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error(`refusing to store the non-finite number ${value}`);
}

class RefuseNonFinite extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    check(node.value);
    return super.transformValue(node);
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    for (const value of node.values) check(value);
    return super.transformPrimitiveValueList(node);
  }
}

export class FiniteNumbersPlugin implements KyselyPlugin {
  readonly #transformer = new RefuseNonFinite();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
