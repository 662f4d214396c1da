//! The global allocator of the module: the standard one (dlmalloc), with memory grown ahead.
//!
//! dlmalloc grows WebAssembly memory by just what an allocation lacks, 64 KiB at a time, and
//! in Node (V8) every growth starts a full garbage collection of the host's heap. A workspace
//! whose caches outgrow the room [`crate::reserve_heap`] made would grow memory thousands of
//! times in one call: the cold validate of the 3,000-app benchmark fleet spent 37% of its time
//! in the host's garbage collector and 13% in `memory.grow` (`node --cpu-prof`). So, whenever an
//! allocation had to grow memory, room for an eighth of the memory's size more is made at once
//! (at least 1 MiB, at most 16 MiB): a block that size is allocated and given back, and being
//! last in memory it joins dlmalloc's free top chunk, which later allocations use without
//! growing memory. Memory then grows a few dozen times at most; the unused room is at most an
//! eighth of what is in use (or 16 MiB).
//!
//! This is the one `unsafe` of the binding: `GlobalAlloc` is an unsafe trait. Each method passes
//! its caller's contract on to `System` unchanged; the room-making block is allocated and freed
//! with one and the same valid layout.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::arch::wasm32::memory_size;

/// [`System`] with memory grown ahead (see the module documentation).
#[derive(Debug)]
pub struct GrowAhead;

const PAGE: usize = 64 * 1024;
const MIN_AHEAD: usize = 1 << 20;
const MAX_AHEAD: usize = 16 << 20;

/// After an allocation that grew memory from `before` pages: makes room ahead.
fn after(before: usize) {
    let now = memory_size(0);
    if now == before {
        return;
    }
    let bytes = (now.saturating_mul(PAGE) / 8).clamp(MIN_AHEAD, MAX_AHEAD);
    if let Ok(layout) = Layout::from_size_align(bytes, 8) {
        // SAFETY: `layout` has a non-zero size; the block is freed with the same layout, and
        // only if the allocation succeeded.
        unsafe {
            let block = System.alloc(layout);
            if !block.is_null() {
                System.dealloc(block, layout);
            }
        }
    }
}

// SAFETY: every method calls `System`'s with the caller's arguments, which meet the same
// contract; `after` allocates and frees its own block only.
unsafe impl GlobalAlloc for GrowAhead {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let before = memory_size(0);
        // SAFETY: the caller's contract, passed on.
        let ptr = unsafe { System.alloc(layout) };
        after(before);
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let before = memory_size(0);
        // SAFETY: the caller's contract, passed on.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        after(before);
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let before = memory_size(0);
        // SAFETY: the caller's contract, passed on.
        let out = unsafe { System.realloc(ptr, layout, new_size) };
        after(before);
        out
    }
}
