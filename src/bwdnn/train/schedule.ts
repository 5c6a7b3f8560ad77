// Learning-rate schedules as functions of the step: constant, step decay (every `stepSize`
// epochs multiply by `gamma`) and cosine annealing to `minLr` over the whole run.

export type ScheduleName = 'constant' | 'step' | 'cosine';

export interface ScheduleOptions {
  name: ScheduleName;
  lr: number;
  totalSteps: number;
  stepsPerEpoch: number;
  stepSize?: number;
  gamma?: number;
  minLr?: number;
}

export function learningRate(o: ScheduleOptions, step: number): number {
  switch (o.name) {
    case 'constant':
      return o.lr;
    case 'step':
      return o.lr * (o.gamma ?? 0.1) ** Math.floor(step / (o.stepsPerEpoch * (o.stepSize ?? 1)));
    case 'cosine': {
      const min = o.minLr ?? 0;
      return min + 0.5 * (o.lr - min) * (1 + Math.cos((Math.PI * Math.min(step, o.totalSteps)) / Math.max(1, o.totalSteps)));
    }
  }
}
