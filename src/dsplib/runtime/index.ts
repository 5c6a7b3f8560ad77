// Public API of the DSP runtime: calling convention (argument blocks in w14), kernels rewritten
// as subroutines, the on-chip allocator and the linker turning a list of calls into a Program.
export { ARG_REG, ARG_AG, ARG_AR, argLayout, argBlockWords, type ArgSlot } from './abi.js';
export { ChipAllocator, overlaps, type Block } from './allocator.js';
export { toSubroutine, type Subroutine, type PrivateData } from './subroutine.js';
export { linkCalls, reserveStatic, type CallSite, type LinkInput, type Linked, type StaticPlacement } from './link.js';
export { dmaInLines } from './dma.js';
