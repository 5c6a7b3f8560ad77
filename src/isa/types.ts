// Core ISA types: the instruction-table row (InstrDef), a decoded slot, an execution line,
// the Program (the meeting point of compiler and simulator) and the machine limits
// (IsaLimits) that line legality is checked against. Target descriptions extend IsaLimits.

/** Unit classes of a macro (cluster). CTL = no macro unit (address generators, branches, DMA). */
export type UnitClass = 'ALU' | 'MUL' | 'SHF' | 'SPU';
export const UNIT_CLASSES: readonly UnitClass[] = ['ALU', 'MUL', 'SHF', 'SPU'];

/** Latency classes: the target maps each to a cycle count (result usable `lat` lines after issue). */
export type LatencyClass =
  | 'alu' | 'shf' | 'fadd' | 'fmul' | 'fmac' | 'conv' | 'spu' | 'load' | 'xfer' | 'reduce' | 'agu' | 'none';
export const LATENCY_CLASSES: readonly LatencyClass[] =
  ['alu', 'shf', 'fadd', 'fmul', 'fmac', 'conv', 'spu', 'load', 'xfer', 'reduce', 'agu', 'none'];

/** Encoding-level maxima (a target may have fewer). */
export const MAX_MACROS = 4;
export const MAX_REGS = 64;
export const AG_COUNT = 3; // U, V, W
export const AG_REGS = 16;
export const MACRO_NAMES = ['x', 'y', 'z', 't'] as const;
export const AG_NAMES = ['u', 'v', 'w'] as const;

/** Global register numbering used for dependency tracking: macro k reg r -> k*64+r; AG g reg i -> 256+g*16+i. */
export const AG_BASE = MAX_MACROS * MAX_REGS;
export const N_GLOBAL_REGS = AG_BASE + AG_COUNT * AG_REGS;
export const macroReg = (k: number, r: number): number => k * MAX_REGS + r;
export const agReg = (g: number, i: number): number => AG_BASE + g * AG_REGS + i;

/** Operand values of one slot, by the field names of its table row. */
export type Fields = Record<string, number>;

/** One decoded instruction slot. `op` is the table row's id (e.g. 'fmac'). */
export interface Slot {
  op: string;
  f: Fields;
}

/** Where an execution line came from in the assembly source. */
export interface SourceLoc {
  line: number; // 1-based
  col: number; // 1-based
  file?: string;
}

/** One execution line: up to issue-width slots issued in the same cycle. PC = index in Program.lines. */
export interface ExecLine {
  slots: Slot[];
  loc?: SourceLoc;
}

export type Space = 'code' | 'chip' | 'ddr';

/** A named address: code label (line index), on-chip word address or DDR word address. */
export interface SymbolInfo {
  name: string;
  space: Space;
  addr: number;
  size: number; // words (data) or 0 (code labels)
  global: boolean;
}

/** Initial contents of memory: `words` (raw 32-bit) placed at word address `base` of `space`. */
export interface DataSection {
  space: 'chip' | 'ddr';
  base: number;
  words: Uint32Array;
}

/** A named range of code lines [start, end) used by the profiler. */
export interface Region {
  name: string;
  start: number;
  end: number;
}

/**
 * A complete program for the DSP: decoded execution lines, initial data, symbols, regions and the
 * source map. Produced by the assembler or by a compiler; consumed by the simulator, the encoder
 * and the disassembler. Plain data (JSON-able apart from the Uint32Arrays).
 */
export interface Program {
  lines: ExecLine[];
  data: DataSection[];
  symbols: Record<string, SymbolInfo>;
  regions: Region[];
  entry: number;
  /** Words of on-chip / DDR memory used by data (first free address), for allocators. */
  chipTop: number;
  ddrTop: number;
}

/** Machine limits that line legality depends on. A TargetDesc satisfies this interface. */
export interface IsaLimits {
  name: string;
  macros: number;
  regsPerMacro: number;
  issueWidth: number;
  units: Record<UnitClass, number>; // per macro
  /** Unit that executes fp32 add/sub/max/min: 'ALU' (bwdsp104x) or 'MUL' (MAC units on bwdsp100). */
  fpAddUnit: 'ALU' | 'MUL';
  /** True when a multiply-accumulate also occupies an ALU (separate adder, bwdsp104x). */
  macUsesAlu: boolean;
  agu: { count: number; regs: number; portsPerLine: number };
  loopDepth: number;
  dma: { channels: number };
}

/** The kinds of operand field; see fields.ts for syntax and encoding of each. */
export type FieldKind = 'mask' | 'macro' | 'reg' | 'ag' | 'agi' | 'simm' | 'uimm' | 'addr' | 'rel' | 'abs' | 'chan';

export interface FieldDef {
  name: string;
  kind: FieldKind;
  width: number;
}

/** Which registers a slot reads and writes (global numbering), and memory/AG port use. */
export interface SlotDeps {
  reads: number[];
  /** Written with the row's latency class. */
  writes: number[];
  /** AG registers written (post-increment, AG arithmetic) with the 'agu' latency. */
  agWrites?: number[];
}

/** Code-emission interface the simulator implements; instruction semantics are written against it. */
export interface Emit {
  /** Absolute index into the register file views I (int32) / F (float32) of macro k reg r. */
  r(k: number, r: number): number;
  /** Index into the AG register array A of AG g reg i. */
  ag(g: number, i: number): number;
  /** Compute `expr` in the read phase; returns the temp name holding it. */
  tmp(expr: string): string;
  /** Add a statement to the write phase (after every slot of the line has read its operands). */
  write(stmt: string): void;
  /** Add a statement to the read phase. */
  read(stmt: string): void;
  /** Code that faults with `code` unless `cond` holds. */
  check(cond: string, code: string, what: string): void;
  /** Record a memory access of `n` words at address expression `addr` (for bank conflicts/stats). */
  mem(addr: string, n: number, stride: number, store: boolean): void;
  /** PC (line index) of the line being compiled. */
  readonly pc: number;
  /** Jump to line `target` when `cond` holds (write phase; costs the taken-branch penalty). */
  branch(cond: string, target: number): void;
  /** Stop the program after this line. */
  halt(): void;
  /** Push pc+1 on the return-address stack and jump to line `target` (taken-branch penalty). */
  call(target: number): void;
  /** Pop the return-address stack and jump there (taken-branch penalty). */
  ret(): void;
  /** Zero-overhead loop over lines pc+1 .. end-1, `count` (JS expression) times. */
  loop(end: number, count: string): void;
  /** Start a DMA on channel `ch` (dir 0: DDR->chip, 1: chip->DDR) with descriptor regs r{a}..r{a+5} of macro k. */
  dmaStart(ch: number, dir: number, k: number, a: number): void;
  /** Stall until DMA channel `ch` is idle. */
  dmaWait(ch: number): void;
  /** Macros in the mask, in order x,y,z,t. */
  macros(mask: number): number[];
}

export interface InstrDef {
  /** Stable id, used in Slot.op. */
  id: string;
  /** Assembly pattern: literals and {field} placeholders, e.g. '{m}fr{d} = fr{a} + fr{b}'. */
  syntax: string;
  /** One-line description for docs/ISA.md. */
  doc: string;
  /** 6-bit primary opcode (bits 30..25). */
  op: number;
  /** Optional sub-opcode in the lowest `subWidth` bits. */
  sub?: number;
  subWidth?: number;
  /** Operand fields packed from bit 24 downward, in this order. */
  fields: FieldDef[];
  /** Unit class used on each macro named by the mask ('CTL' = none). */
  unit: UnitClass | 'CTL';
  /** True for fp32 add-class ops, whose unit a target may remap (IsaLimits.fpAddUnit). */
  fpAdd?: boolean;
  /** True for multiply-accumulate (also uses an ALU where IsaLimits.macUsesAlu). */
  mac?: boolean;
  lat: LatencyClass;
  /** fp32 FLOPs per macro lane executed. */
  flops: number;
  /** fp32 FLOPs per slot regardless of lanes (cross-macro reductions). */
  flopsPerSlot?: number;
  /** Control-flow (at most one per line). */
  ctl?: boolean;
  /** AG port used (field name holding the AG number, or a fixed AG), for port limits. */
  agPort?: (f: Fields) => number;
  /** DMA op (at most one per line). */
  dma?: boolean;
  /** Registers read/written (global numbering). */
  deps(f: Fields): SlotDeps;
  /** Semantics: emits JS code for this slot against the Emit interface. */
  emit(e: Emit, f: Fields): void;
  /** Extra static operand checks (beyond field widths); returns an error message or undefined. */
  verify?(f: Fields): string | undefined;
}
