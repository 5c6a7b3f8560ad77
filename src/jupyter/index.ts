// Public surface of the Jupyter protocol layer (server side, plus the wire pieces clients reuse).
export * from './executor-api.js';
export { KernelServer, type KernelServerOptions, type KernelStats } from './server.js';
export { kernelInfoContent, type KernelIdentity } from './kernel-info.js';
export { parseConnectionInfo, readConnectionFile, writeConnectionFile, endpoint, freePort, newConnectionInfo, type ConnectionInfo, type Channel } from './connection.js';
export { Signer } from './signer.js';
export { DELIMITER, PROTOCOL_VERSION, DEFAULT_MAX_MESSAGE_BYTES, makeHeader, encodeMessage, decodeMessage, type JupyterMessage, type MessageHeader, type OutgoingMessage, type DecodeResult } from './wire.js';
export { SendQueue, type SendableSocket } from './send-queue.js';
export { HistoryStore, globToRegExp, type HistoryEntry, type HistoryTuple } from './history.js';
export { HANDLERS } from './handlers/index.js';
export { EVENT_TABLE, eventToIopub } from './handlers/events.js';
export type { Handler, HandlerRow, IncomingRequest, KernelCore, RequestChannel } from './core.js';
