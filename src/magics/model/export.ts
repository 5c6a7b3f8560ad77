// %export_onnx PATH: write a session model (compressed ones included) as an ONNX file.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { exportOnnx } from '../../frontend/onnx/export.js';
import { writeFileAtomic } from '../../frontend/native/save.js';
import { getModel } from '../../session/models.js';
import { BwvmError } from '../../util/errors.js';
import type { MagicSpec } from '../types.js';
import { MODEL_FLAG } from './common.js';

export const exportOnnxMagic: MagicSpec = {
  name: 'export_onnx',
  kind: 'line',
  summary: 'export a session model to an ONNX file (onnxruntime runs it with the same outputs)',
  usage: '%export_onnx PATH [--model N]',
  flags: [MODEL_FLAG],
  positionals: [{ name: 'path', help: 'output .onnx file (relative to the working directory)' }],
  run(args, ctx) {
    const out = args.pos('path');
    if (!out) throw new BwvmError('model-export-path', '%export_onnx needs an output path', { hint: 'e.g. %export_onnx out/model.onnx' });
    const m = getModel(ctx.session, args.str('model'));
    const path = resolve(ctx.session.cwd, out);
    const bytes = exportOnnx(m.graph, { producer: 'bwvm' });
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, [bytes]);
    ctx.stdout(`wrote ${path} (${bytes.length} bytes, opset ${m.graph.opset})\n`);
    return { path, bytes: bytes.length };
  },
};
