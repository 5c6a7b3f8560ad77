// Cycle budgets held on the simulator, not only on the estimate. The cycle model (cycle-model.ts) is
// a least-squares fit that can under-estimate a pruned plan by several percent (docs/compression.md,
// section 4a), so a plan whose estimate meets the budget can simulate over it. Here the plan is
// simulated in library mode and, while it is over the budget, re-planned against a limit tightened
// by the bias the simulation just measured (budget x estimate / simulated), until the simulator
// confirms it or a round limit is reached.
import type { Graph } from '../ir/types.js';
import type { BudgetLimits, BudgetUse, CompressionPlan } from '../compress/index.js';
import type { TargetDesc } from '../target/index.js';
import { BwvmError, isBwvmError } from '../util/errors.js';
import { simulateLayers, type CycleModel } from './cycle-model.js';

export interface SimulatedRound {
  /** The limit the plan was made against (estimated cycles). */
  limit: number;
  estimated: number;
  simulated: number;
}

export interface SimulatedPlan<P> { plan: P; graph: Graph; rounds: SimulatedRound[] }

export interface MeetCyclesOptions<P> {
  /** The budget the simulation must meet (cycles). */
  budget: number;
  /** Plans and prunes against an estimated-cycles limit (may throw BUDGET_INFEASIBLE). */
  plan(limit: number): { plan: P; graph: Graph };
  estimate(g: Graph): number;
  simulate(g: Graph): Promise<number>;
  /** Plans tried before giving up (default 5). */
  rounds?: number;
  onRound?(r: SimulatedRound): void;
}

export async function meetSimulatedCycles<P>(o: MeetCyclesOptions<P>): Promise<SimulatedPlan<P>> {
  const rounds: SimulatedRound[] = [];
  let limit = o.budget;
  for (let i = 0; i < (o.rounds ?? 5); i++) {
    let p: { plan: P; graph: Graph };
    try { p = o.plan(limit); } catch (e) {
      if (!rounds.length || !isBwvmError(e) || e.code !== 'BUDGET_INFEASIBLE') throw e;
      const last = rounds[rounds.length - 1]!;
      throw new BwvmError('BUDGET_CYCLES_SIMULATED', `cycle budget ${Math.round(o.budget)} is not met on the simulator: the plan estimated at ${Math.round(last.estimated)} simulated ${Math.round(last.simulated)} cycles, and a plan estimated at ${Math.round(limit)} or less does not exist (${e.message})`,
        { hint: 'raise --cycles, or relax the other budgets or --min-keep' });
    }
    const r = { limit, estimated: o.estimate(p.graph), simulated: await o.simulate(p.graph) };
    rounds.push(r);
    o.onRound?.(r);
    if (r.simulated <= o.budget) return { ...p, rounds };
    limit = (o.budget * r.estimated) / r.simulated;
  }
  const last = rounds[rounds.length - 1]!;
  throw new BwvmError('BUDGET_CYCLES_SIMULATED', `cycle budget ${Math.round(o.budget)} is not met on the simulator after ${rounds.length} plans: the last simulated ${Math.round(last.simulated)} cycles (estimated ${Math.round(last.estimated)})`,
    { hint: 'raise --cycles a little, or drop --exact-cycles to accept the estimate' });
}

export interface ExactCyclesResult {
  /** The plan, its cycles budget row showing the simulated cycles against the user's budget. */
  plan: CompressionPlan;
  graph: Graph;
  cycles: { simulated: number; estimated: number; rounds: SimulatedRound[] };
}

/** Plan under `limits` (a fractional --cycles resolved against cm.original, the simulated cycles
 * of the unpruned model, which the calibration ran) so that the plan's simulated library-mode
 * cycles on `target` meet limits.cycles. */
export async function planWithinSimulatedCycles(o: {
  limits: BudgetLimits; cm: CycleModel; target: TargetDesc;
  plan(limits: BudgetLimits): { plan: CompressionPlan; graph: Graph };
  signal?: AbortSignal; onRound?(r: SimulatedRound, budget: number): void;
}): Promise<ExactCyclesResult> {
  const budget = o.limits.cycles;
  if (budget === undefined) throw new BwvmError('BUDGET_CYCLES', 'holding cycles on the simulator needs a cycle budget', { hint: 'add --cycles' });
  const r = await meetSimulatedCycles({
    budget, plan: (cycles) => o.plan({ ...o.limits, cycles }), estimate: o.cm.cost,
    simulate: async (g) => (await simulateLayers(g, o.target, o.signal)).total,
    ...(o.onRound ? { onRound: (x: SimulatedRound) => o.onRound!(x, budget) } : {}),
  });
  const last = r.rounds[r.rounds.length - 1]!;
  return { plan: { ...r.plan, budgets: simulatedCyclesRow(r.plan.budgets, budget, last.simulated, o.cm.original) }, graph: r.graph, cycles: { simulated: last.simulated, estimated: last.estimated, rounds: r.rounds } };
}

/** Budget rows with the cycles row showing the simulation: limit `budget`, value the simulated cycles
 * of the plan, original the simulated cycles of the unpruned model. */
export function simulatedCyclesRow(budgets: BudgetUse[], budget: number, simulated: number, original: number): BudgetUse[] {
  return budgets.map((b) => (b.budget === 'cycles' ? { ...b, limit: budget, value: simulated, original, ok: simulated <= budget } : b));
}

/** One line per simulated plan, for the magic's and the CLI's progress output. */
export const roundText = (x: SimulatedRound, budget: number, target: string): string =>
  `planned to <= ${Math.round(x.limit)} estimated cycles: estimate ${Math.round(x.estimated)}, simulated ${Math.round(x.simulated)} on ${target} (${x.simulated <= budget ? 'within' : 'over'} the budget of ${Math.round(budget)})`;
