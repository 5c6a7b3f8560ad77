// Emission units of the C backend: each node becomes one unit, except fusion groups (from
// graph.meta opt.fusion, handed in by the caller) whose anchor absorbs a following constant bias
// Add and activation into its epilogue. Groups are only fused where the C emitters can do it;
// anything else (e.g. a fused pool) stays its own unit, so the result is always correct.
import type { Graph, Node } from '../../ir/types.js';
import { topoSort } from '../../ir/graph.js';
import { infoOf } from '../../ir/infer.js';
import { isActivation } from './activations.js';
import { C_EMITTERS } from './table.js';

/** A fusion group as recorded by the optimizer (structural copy of opt's FusionGroup). */
export interface FusionHint { anchor: string; nodes: string[] }

export interface EpilogueStep { node: Node; kind: 'bias' | 'act'; /** bias: index of the constant input */ constInput?: number; /** bias: 'ch' or '0' */ index?: string }

export interface Unit {
  /** The node emitted (the anchor of a fused group). */
  node: Node;
  /** Fused followers, in order. */
  epilogue: EpilogueStep[];
  /** Value the unit writes (the last fused node's output, else node.outputs[0]). */
  out: string;
}

const concrete = (g: Graph, v: string): number[] => (infoOf(g, v)?.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));

/** How a constant broadcasts along the epilogue axis: per channel ('ch'), scalar ('0'), or not at all. */
function biasIndex(g: Graph, c: string, out: number[], axis: number): string | undefined {
  const t = g.initializers.get(c);
  if (!t || t.dtype !== 'float32') return undefined;
  if (t.data.length === 1) return '0';
  const pos = out.length - t.shape.length;
  if (pos < 0 || t.data.length !== out[axis]) return undefined;
  return t.shape.every((d, i) => (i + pos === axis ? d === out[axis] : d === 1)) ? 'ch' : undefined;
}

export function buildUnits(g: Graph, fusion: readonly FusionHint[] = []): Unit[] {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const groups = new Map(fusion.map((f) => [f.anchor, f]));
  const absorbed = new Set<string>();
  const units: Unit[] = [];
  for (const node of topoSort(g)) {
    if (absorbed.has(node.name)) continue;
    const f = groups.get(node.name);
    const em = C_EMITTERS.get(node.op);
    const unit: Unit = { node, epilogue: [], out: node.outputs[0]! };
    if (f && em?.anchorAxis && f.nodes[0] === node.name) {
      const out = concrete(g, node.outputs[0]!);
      const axis = em.anchorAxis === 'channel' ? 1 : out.length - 1;
      let prev = node.outputs[0]!;
      for (const name of f.nodes.slice(1)) {
        const m = byName.get(name);
        if (!m || m.inputs[0] === undefined) break;
        let step: EpilogueStep | undefined;
        if (isActivation(m.op) && m.inputs[0] === prev && m.inputs.slice(1).every((i) => !i || g.initializers.has(i))) step = { node: m, kind: 'act' };
        else if (m.op === 'Add' && m.inputs.length === 2 && m.inputs.includes(prev)) {
          const ci = m.inputs[0] === prev ? 1 : 0;
          const index = biasIndex(g, m.inputs[ci]!, out, axis);
          if (index && concrete(g, m.outputs[0]!).join() === out.join()) step = { node: m, kind: 'bias', constInput: ci, index };
        }
        if (!step) break;
        unit.epilogue.push(step);
        absorbed.add(name);
        prev = m.outputs[0]!;
      }
      unit.out = prev;
    }
    units.push(unit);
  }
  return units;
}
