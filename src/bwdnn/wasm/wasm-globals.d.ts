// The WebAssembly JS API that Node provides but the ES2022 lib (no DOM) does not declare:
// only the parts bwDNN uses.
declare namespace WebAssembly {
  interface MemoryDescriptor { initial: number; maximum?: number; shared?: boolean }
  interface Memory { readonly buffer: ArrayBuffer | SharedArrayBuffer; grow(delta: number): number }
  var Memory: { prototype: Memory; new (descriptor: MemoryDescriptor): Memory };
  interface ModuleImportDescriptor { module: string; name: string; kind: string }
  interface Module {}
  var Module: {
    prototype: Module; new (bytes: ArrayBufferView | ArrayBuffer): Module;
    exports(m: Module): { name: string; kind: string }[];
    imports(m: Module): ModuleImportDescriptor[];
  };
  interface Instance { readonly exports: Record<string, unknown> }
  var Instance: { prototype: Instance; new (module: Module, imports?: Record<string, Record<string, unknown>>): Instance };
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
