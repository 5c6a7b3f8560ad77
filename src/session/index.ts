// Public surface of the session layer: the Session object and its typed store.
export * from './session.js';
export * from './store.js';
export * from './models.js';
export * from './datasets.js';
export * from './history.js';
