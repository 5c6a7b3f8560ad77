// Starts a KernelServer with a FakeExecutor on random loopback ports, connects a JupyterClient,
// captures the server's log lines; stop() tears everything down.
import { newConnectionInfo, type ConnectionInfo } from '../../../src/jupyter/connection.js';
import { KernelServer, type KernelServerOptions } from '../../../src/jupyter/server.js';
import { JupyterClient } from '../../support/jupyter-client.js';
import { FakeExecutor } from './fake-executor.js';

export interface Harness {
  server: KernelServer;
  executor: FakeExecutor;
  client: JupyterClient;
  info: ConnectionInfo;
  logs: string[];
  stop(): Promise<void>;
}

export async function startHarness(opts: Partial<KernelServerOptions> & { connect?: boolean } = {}): Promise<Harness> {
  const info = opts.connection ?? (await newConnectionInfo());
  const executor = (opts.executor as FakeExecutor | undefined) ?? new FakeExecutor();
  const logs: string[] = [];
  const server = new KernelServer({
    identity: { implementationVersion: '0.0.0-test', languageVersion: '5.9.0' },
    log: (l) => logs.push(l),
    ...opts,
    connection: info,
    executor,
  });
  await server.start();
  const client = opts.connect === false ? new JupyterClient(info) : await JupyterClient.connect(info);
  return {
    server, executor, client, info, logs,
    async stop() {
      client.close();
      await server.stop();
    },
  };
}
