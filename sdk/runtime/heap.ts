/**
 * The allocator of the core's linear memory: first fit over an address-ordered free list,
 * neighbours coalesced on release, the top of the heap lowered when its last block is
 * released. Blocks are 16-byte aligned (one v128). Memory grows on demand and is reused; it
 * never shrinks (WebAssembly memories cannot), so a sequence of fits that each free what they
 * allocated stays within the largest one.
 *
 * @module
 */

const ALIGN = 16;

/** Bytes the allocator hands out for a request of `bytes`: a multiple of 16, at least 16. */
export function blockBytes(bytes: number): number {
  return roundUp(bytes, ALIGN);
}

/** The least multiple of `align` that is ≥ `bytes` and > 0. */
function roundUp(bytes: number, align: number): number {
  return Math.max(align, Math.ceil(bytes / align) * align);
}

interface Block {
  ptr: number;
  size: number;
}

/** Allocator over a `WebAssembly.Memory` from `base` upward. */
export class Heap {
  readonly #memory: WebAssembly.Memory;
  readonly #pageBytes: number;
  readonly #maxPages: number;
  #top: number;
  readonly #free: Block[] = [];
  readonly #sizes = new Map<number, number>();
  #allocated = 0;
  #peak = 0;

  readonly #base: number;

  constructor(memory: WebAssembly.Memory, base: number, pageBytes: number, maxPages: number) {
    this.#memory = memory;
    this.#base = base;
    this.#top = base;
    this.#pageBytes = pageBytes;
    this.#maxPages = maxPages;
  }

  /** Bytes the heap can ever hand out: the memory's maximum (4 GiB in wasm32) past the module's own data. */
  get limitBytes(): number {
    return this.#maxPages * this.#pageBytes - this.#base;
  }

  /** Bytes not handed out now (some may be split between free blocks). */
  get freeBytes(): number {
    return this.limitBytes - this.#allocated;
  }

  /** Bytes currently handed out. */
  get allocatedBytes(): number {
    return this.#allocated;
  }

  /** Most bytes handed out at once since the last `resetPeak()`. */
  get peakBytes(): number {
    return this.#peak;
  }

  /** Starts a new peak measurement from the bytes handed out now. */
  resetPeak(): void {
    this.#peak = this.#allocated;
  }

  /** Bytes of the memory itself (what the host has reserved). */
  get memoryBytes(): number {
    return this.#memory.buffer.byteLength;
  }

  /**
   * Allocates `bytes` (rounded up to 16) and returns the block's byte offset.
   * @throws {RangeError} when the memory cannot grow that far (4 GiB is the limit of wasm32).
   */
  alloc(bytes: number): number {
    const size = blockBytes(bytes);
    let ptr = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const block = this.#free[i];
      if (block.size < size) continue;
      ptr = block.ptr;
      if (block.size === size) this.#free.splice(i, 1);
      else {
        block.ptr += size;
        block.size -= size;
      }
      break;
    }
    if (ptr < 0) {
      ptr = this.#top;
      this.#ensure(ptr + size);
      this.#top = ptr + size;
    }
    this.#sizes.set(ptr, size);
    this.#allocated += size;
    this.#peak = Math.max(this.#peak, this.#allocated);
    return ptr;
  }

  /** Returns a block to the heap. Releasing an unknown pointer throws (a double free). */
  release(ptr: number): void {
    const size = this.#sizes.get(ptr);
    if (size === undefined) throw new Error(`Cannot release memory: ${ptr} is not an allocated block`);
    this.#sizes.delete(ptr);
    this.#allocated -= size;
    let i = 0;
    while (i < this.#free.length && this.#free[i].ptr < ptr) i++;
    this.#free.splice(i, 0, { ptr, size });
    const next = this.#free[i + 1];
    const block = this.#free[i];
    if (next && block.ptr + block.size === next.ptr) {
      block.size += next.size;
      this.#free.splice(i + 1, 1);
    }
    const prev = this.#free[i - 1];
    if (prev && prev.ptr + prev.size === block.ptr) {
      prev.size += block.size;
      this.#free.splice(i, 1);
    }
    const last = this.#free[this.#free.length - 1];
    if (last && last.ptr + last.size === this.#top) {
      this.#top = last.ptr;
      this.#free.pop();
    }
  }

  /** A float32 view of `length` elements at `ptr` (re-create views after the memory grows). */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.#memory.buffer, ptr, length);
  }

  /** A float64 view of `length` elements at `ptr`. */
  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.#memory.buffer, ptr, length);
  }

  #wholeF64: Float64Array | undefined;

  /**
   * A float64 view of the whole memory, kept until the memory grows: scalar results and loss terms
   * read through it by byte offset / 8, without making a view per read.
   */
  f64Memory(): Float64Array {
    const buffer = this.#memory.buffer;
    if (this.#wholeF64?.buffer !== buffer) this.#wholeF64 = new Float64Array(buffer);
    return this.#wholeF64;
  }

  /** An int32 view of `length` elements at `ptr`. */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.#memory.buffer, ptr, length);
  }

  #ensure(end: number): void {
    const have = this.#memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / this.#pageBytes);
    if (have / this.#pageBytes + pages > this.#maxPages) {
      throw new RangeError(
        `Cannot allocate memory: ${end} bytes exceed the ${
          this.#maxPages * this.#pageBytes
        } bytes of WebAssembly memory`,
      );
    }
    this.#memory.grow(pages);
  }
}

/**
 * Blocks allocated together and released together: a fit's workspace, a start's temporaries, a
 * load's strata. `free()` releases every block (idempotent).
 */
export class Arena {
  readonly #heap: Heap;
  readonly #owned: number[] = [];

  constructor(heap: Heap) {
    this.#heap = heap;
  }

  /** Allocates `bytes` (see {@link Heap.alloc}) owned by the arena. */
  alloc(bytes: number): number {
    const ptr = this.#heap.alloc(bytes);
    this.#owned.push(ptr);
    return ptr;
  }

  /** Releases every block allocated so far. */
  free(): void {
    this.#owned.splice(0).forEach((ptr) => this.#heap.release(ptr));
  }
}

/**
 * A cache line of the x86-64 and ARM64 cores the package runs on. Buffers that different threads
 * write at once (a task's scratch, a slot of partial sums) start on their own line: sharing one
 * made the TF-IDF-like matrix's HALS iteration 15 % slower at 2 threads (3.55 against 3.02 ms,
 * bench/README.md, "Cache lines").
 */
export const CACHE_LINE = 64;

/**
 * Blocks carved in order out of one block of `bytes` at `ptr` (which its owner allocated and
 * releases): buffers that live and die together cost one allocation. Each starts at a multiple of
 * `align` (16, as {@link Heap.alloc} aligns, or {@link CACHE_LINE}) and takes a multiple of it.
 */
export class Slab {
  #next: number;
  readonly #end: number;
  readonly #align: number;

  constructor(ptr: number, bytes: number, align: number = ALIGN) {
    this.#next = ptr;
    this.#end = ptr + bytes;
    this.#align = align;
  }

  /** Bytes a slab of alignment `align` needs for blocks of `sizes`, wherever its own block starts (16-aligned). */
  static bytesFor(sizes: readonly number[], align: number = ALIGN): number {
    return sizes.reduce((total, bytes) => total + roundUp(bytes, align), align - ALIGN);
  }

  /**
   * The next `bytes` of the slab (from the next multiple of its alignment, rounded up to one).
   * @throws {Error} when the slab has fewer left (its owner sized it wrong).
   */
  alloc(bytes: number): number {
    const ptr = roundUp(this.#next, this.#align);
    const end = ptr + roundUp(bytes, this.#align);
    if (end > this.#end) throw new Error(`Cannot carve ${bytes} bytes: the slab has ${this.#end - ptr} left`);
    this.#next = end;
    return ptr;
  }
}
