// Worker-thread entry hosting a CellLanguageService, so that building the TypeScript program
// (seconds) and answering completions never block the thread the cells run on.
import { parentPort, workerData } from 'node:worker_threads';
import { CellLanguageService } from './language-service.js';
import type { LanguageRequest, LanguageResponse } from './language-client.js';

const data = workerData as { cwd: string; root: string };
const svc = new CellLanguageService(data.cwd, data.root);

parentPort!.on('message', (m: LanguageRequest) => {
  let res: LanguageResponse;
  try {
    const fn = svc[m.op] as (...a: unknown[]) => unknown;
    res = { id: m.id, value: fn.apply(svc, m.args) };
  } catch (e) {
    res = { id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
  if (m.id > 0) parentPort!.postMessage(res);
});
