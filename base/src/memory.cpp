#include "newsd/base/memory.hpp"

#include <malloc.h>

namespace newsd {

void release_free_memory() noexcept {
  // glibc gives back by itself only the free top of its main heap; free
  // pages between live blocks, and those of the other threads' arenas, stay
  // resident until malloc_trim releases them (madvise) in every arena.
  (void)malloc_trim(0);
}

}  // namespace newsd
