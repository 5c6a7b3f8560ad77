// bwvm native model format: save (atomic) and load (strictly validated).
export { saveNative, writeFileAtomic } from './save.js';
export { loadNative, sniffNative } from './load.js';
export { NATIVE_EXT, NATIVE_FORMAT, NATIVE_VERSION } from './format.js';
export type { NativeModel } from './format.js';
