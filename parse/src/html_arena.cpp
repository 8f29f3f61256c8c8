#include "html_arena.hpp"

#include <libxml/xmlmemory.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace newsd::parse::html {
namespace {

// Each block is preceded by its size and capacity: realloc needs the size,
// and growing within the capacity (libxml2 grows text and buffers a few bytes
// at a time) needs no copy.
struct alignas(16) Header {
  std::size_t size;
  std::size_t capacity;
};
static_assert(sizeof(Header) == 16);

constexpr std::size_t kAlign = 16;
constexpr std::size_t kMaxChunk = std::size_t{8} << 20;

std::size_t round_up(std::size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

Header* header_of(void* p) { return static_cast<Header*>(p) - 1; }

// Freed chunks of this thread, for the next parse: fresh memory for every
// page would cost a page fault per 4 kB touched, more than the mallocs saved.
class ChunkCache {
 public:
  ChunkCache() = default;
  ChunkCache(const ChunkCache&) = delete;
  ChunkCache& operator=(const ChunkCache&) = delete;
  ~ChunkCache() {
    for (const auto& [base, size] : chunks_) std::free(base);
  }

  // The largest cached chunk if it holds `at_least` bytes, else a new one.
  std::pair<char*, std::size_t> take(std::size_t at_least) {
    const auto largest = std::ranges::max_element(chunks_, {}, &std::pair<char*, std::size_t>::second);
    if (largest != chunks_.end() && largest->second >= at_least) {
      const auto chunk = *largest;
      bytes_ -= chunk.second;
      chunks_.erase(largest);
      return chunk;
    }
    return {static_cast<char*>(std::malloc(at_least)), at_least};
  }

  void give(char* base, std::size_t size) {
    if (bytes_ + size > ParseArena::kCachedBytes) {
      std::free(base);
      return;
    }
    chunks_.emplace_back(base, size);
    bytes_ += size;
  }

 private:
  std::vector<std::pair<char*, std::size_t>> chunks_;
  std::size_t bytes_ = 0;
};

ChunkCache& chunk_cache() {
  thread_local ChunkCache cache;
  return cache;
}

thread_local ParseArena* t_arena = nullptr;

// libxml2's allocation hooks. Outside a scope they are malloc and friends; a
// heap block freed or grown inside a scope stays on the heap.
void* hook_malloc(std::size_t n) {
  ParseArena* arena = t_arena;
  return arena != nullptr ? arena->allocate(n) : std::malloc(n);
}

void* hook_realloc(void* p, std::size_t n) {
  ParseArena* arena = t_arena;
  if (arena != nullptr && (p == nullptr || arena->owns(p))) return arena->reallocate(p, n);
  return std::realloc(p, n);
}

void hook_free(void* p) {
  ParseArena* arena = t_arena;
  if (arena != nullptr && p != nullptr && arena->release(p)) return;
  std::free(p);
}

char* hook_strdup(const char* s) {
  ParseArena* arena = t_arena;
  if (arena == nullptr) return ::strdup(s);
  const std::size_t n = std::strlen(s) + 1;
  auto* out = static_cast<char*>(arena->allocate(n));
  if (out != nullptr) std::memcpy(out, s, n);
  return out;
}

// Installed before main, while the process has one thread: xmlMemSetup()
// writes globals that every libxml2 call reads.
const bool kHooksInstalled = xmlMemSetup(hook_free, hook_malloc, hook_realloc, hook_strdup) == 0;

}  // namespace

ParseArena::~ParseArena() {
  for (const Chunk& c : chunks_) {
    if (c.alone) {
      std::free(c.base);
    } else {
      chunk_cache().give(c.base, c.size);
    }
  }
}

bool ParseArena::add_chunk(std::size_t at_least) {
  const auto [base, size] = chunk_cache().take(std::max(at_least, next_chunk_));
  if (base == nullptr) return false;
  chunks_.push_back({base, size, false});
  cur_ = base;
  end_ = base + size;
  last_ = nullptr;
  next_chunk_ = std::min(next_chunk_ * 2, kMaxChunk);
  return true;
}

char* ParseArena::new_block(char* at, std::size_t n, std::size_t capacity) {
  auto* h = reinterpret_cast<Header*>(at);
  h->size = n;
  h->capacity = capacity;
  return reinterpret_cast<char*>(h + 1);
}

// A block of a quarter of a chunk or more gets a chunk of its own, so that
// the current chunk's tail is not wasted and the chunk can go when freed.
void* ParseArena::allocate_alone(std::size_t n) {
  const std::size_t size = sizeof(Header) + round_up(n);
  auto* base = static_cast<char*>(std::malloc(size));
  if (base == nullptr) return nullptr;
  chunks_.push_back({base, size, true});
  return new_block(base, n, size - sizeof(Header));
}

void* ParseArena::allocate(std::size_t n) {
  n = std::max<std::size_t>(n, 1);
  const std::size_t need = sizeof(Header) + round_up(n);
  if (need >= next_chunk_ / 4) return allocate_alone(n);
  if (static_cast<std::size_t>(end_ - cur_) < need && !add_chunk(need)) return nullptr;
  last_ = new_block(cur_, n, need - sizeof(Header));
  cur_ += need;
  return last_;
}

void* ParseArena::reallocate(void* p, std::size_t n) {
  if (p == nullptr) return allocate(n);
  n = std::max<std::size_t>(n, 1);
  Header* h = header_of(p);
  if (n <= h->capacity) {
    h->size = n;
    return p;
  }
  // The latest block grows into the free space behind it.
  if (p == last_ && static_cast<std::size_t>(end_ - static_cast<char*>(p)) >= round_up(n)) {
    cur_ = static_cast<char*>(p) + round_up(n);
    h->size = n;
    h->capacity = round_up(n);
    return p;
  }
  void* moved = allocate(n);
  if (moved == nullptr) return nullptr;
  std::memcpy(moved, p, h->size);
  release(p);
  return moved;
}

bool ParseArena::release(void* p) {
  const auto chunk = find_chunk(p);
  if (chunk == chunks_.rend()) return false;
  if (chunk->alone) {
    // A large buffer: libxml2 doubles its buffers, and every old copy would
    // otherwise stay until the end.
    std::free(chunk->base);
    chunks_.erase(std::next(chunk).base());
  } else if (p == last_) {
    cur_ = reinterpret_cast<char*>(header_of(p));
    last_ = nullptr;
  }
  return true;
}

std::vector<ParseArena::Chunk>::reverse_iterator ParseArena::find_chunk(const void* p) {
  // The newest chunks first: most frees are of recent blocks.
  const char* c = static_cast<const char*>(p);
  return std::ranges::find_if(chunks_.rbegin(), chunks_.rend(),
                              [c](const Chunk& k) { return c >= k.base && c < k.base + k.size; });
}

bool ParseArena::owns(const void* p) const {
  const char* c = static_cast<const char*>(p);
  return std::ranges::any_of(chunks_, [c](const Chunk& k) { return c >= k.base && c < k.base + k.size; });
}

std::size_t ParseArena::reserved_bytes() const {
  std::size_t n = 0;
  for (const Chunk& c : chunks_) n += c.size;
  return n;
}

ArenaScope::ArenaScope(ParseArena& arena) { t_arena = &arena; }
ArenaScope::~ArenaScope() { t_arena = nullptr; }

bool arena_hooks_installed() {
  xmlFreeFunc f = nullptr;
  xmlMallocFunc m = nullptr;
  xmlReallocFunc r = nullptr;
  xmlStrdupFunc s = nullptr;
  return kHooksInstalled && xmlMemGet(&f, &m, &r, &s) == 0 && f == hook_free && m == hook_malloc && r == hook_realloc &&
         s == hook_strdup;
}

}  // namespace newsd::parse::html
