// The kernel_info_reply content: who this kernel is and what language it speaks. Answered
// straight from here, without waiting for the executor.
import { PROTOCOL_VERSION } from './wire.js';

export interface KernelIdentity {
  /** bwvm's version (package.json). */
  implementationVersion: string;
  /** The TypeScript version cells are compiled with. */
  languageVersion: string;
  banner?: string;
  helpLinks?: { text: string; url: string }[];
}

/** The language this kernel speaks (kernel_info_reply's language_info without the version; also
 * the metadata of notebooks the kernel writes, e.g. `%report out.ipynb`). */
export const LANGUAGE_INFO = {
  name: 'typescript',
  mimetype: 'text/typescript',
  file_extension: '.ts',
  pygments_lexer: 'typescript',
  codemirror_mode: 'text/typescript',
} as const;

/** The kernelspec a notebook names to be opened with this kernel (as kernel/kernel.json installs it). */
export const NOTEBOOK_KERNELSPEC = { name: 'bwvm', display_name: 'TypeScript (bwvm)', language: 'typescript' } as const;

export function kernelInfoContent(id: KernelIdentity): Record<string, unknown> {
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'bwvm',
    implementation_version: id.implementationVersion,
    language_info: { ...LANGUAGE_INFO, version: id.languageVersion },
    banner: id.banner ?? `bwvm ${id.implementationVersion}: TypeScript ${id.languageVersion} kernel for taking DNNs to the BWDSP`,
    help_links: id.helpLinks ?? [
      { text: 'TypeScript handbook', url: 'https://www.typescriptlang.org/docs/handbook/intro.html' },
      { text: 'Node.js API', url: 'https://nodejs.org/docs/latest-v20.x/api/' },
    ],
    debugger: false,
  };
}
