#pragma once
// Memory of one libxml2 HTML parse. libxml2 builds a page's tree with tens of
// thousands of small mallocs and frees it with as many frees: about a sixth of
// the extractor's instructions. Every block of one parse lives exactly as long
// as the document, so they are carved out of a few large chunks instead and
// dropped together with the document.
#include <cstddef>
#include <vector>

namespace newsd::parse::html {

/// A bump allocator for the blocks libxml2 allocates while building one
/// document. Blocks are aligned as malloc's. Freeing one returns its memory
/// only if it is the most recent block or sits alone in its own chunk (a
/// large buffer); everything else is released when the arena is destroyed.
/// Chunks go back to a per-thread cache (at most kCachedBytes) for the next
/// parse on that thread, so the memory is not mapped afresh for every page.
class ParseArena {
 public:
  /// Bytes of freed chunks a thread keeps for its next parse.
  static constexpr std::size_t kCachedBytes = std::size_t{16} << 20;

  ParseArena() = default;
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;
  ~ParseArena();

  /// `n` bytes (at least one); null only when the system has no memory left.
  void* allocate(std::size_t n);
  /// Resizes block `p` of this arena (or allocates, for null), keeping its
  /// bytes up to the smaller size; in place when its spare capacity allows.
  void* reallocate(void* p, std::size_t n);
  /// Gives block `p` back if it is this arena's (see the class comment for
  /// when the memory is reused before the arena goes); false if it is not.
  bool release(void* p);
  /// True if `p` points into one of this arena's chunks.
  bool owns(const void* p) const;
  /// Bytes held in chunks (what the parse costs in memory).
  std::size_t reserved_bytes() const;

 private:
  struct Chunk {
    char* base;
    std::size_t size;
    bool alone;  ///< holds one large block (allocate_alone())
  };
  std::vector<Chunk>::reverse_iterator find_chunk(const void* p);
  char* new_block(char* at, std::size_t n, std::size_t capacity);
  void* allocate_alone(std::size_t n);
  bool add_chunk(std::size_t at_least);

  std::vector<Chunk> chunks_;
  char* cur_ = nullptr;  ///< free space of the current chunk
  char* end_ = nullptr;
  char* last_ = nullptr;  ///< the most recent block carved from the current chunk
  std::size_t next_chunk_ = std::size_t{256} << 10;
};

/// While a scope is open, libxml2's allocations on the calling thread come
/// from `arena`, and libxml2's frees of the arena's blocks go to it; blocks
/// allocated before (on the heap) are still freed on the heap. Scopes do not
/// nest: a block of an outer scope's arena freed in an inner one would be
/// handed to free(). Nothing libxml2 allocates while the scope is open may
/// outlive the arena: after a parse, libxml2's per-thread error record must
/// be reset inside the scope (xmlResetLastError()).
class ArenaScope {
 public:
  explicit ArenaScope(ParseArena& arena);
  ~ArenaScope();
  ArenaScope(const ArenaScope&) = delete;
  ArenaScope& operator=(const ArenaScope&) = delete;
};

/// True if libxml2's allocation functions are the arena-aware ones (installed
/// when the program starts, before any thread). They pass every call outside
/// an ArenaScope on to malloc/realloc/free; if anything replaced them with
/// xmlMemSetup(), ArenaScope has no effect and parses must free their
/// documents with xmlFreeDoc().
bool arena_hooks_installed();

}  // namespace newsd::parse::html
