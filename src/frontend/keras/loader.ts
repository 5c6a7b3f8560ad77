// The Keras HDF5 row of the format-dispatch table (src/frontend/load.ts).
import type { ModelLoader } from '../load.js';
import { hasHdf5Magic } from './h5file.js';
import { importKerasH5 } from './import-h5.js';

export const kerasLoader: ModelLoader = {
  format: 'keras-h5',
  extensions: ['.h5', '.hdf5'],
  sniff: (head) => hasHdf5Magic(head),
  load: (path) => importKerasH5(path),
};
