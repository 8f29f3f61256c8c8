#include "newsd/base/memory.hpp"

#include <malloc.h>

namespace newsd {

void release_free_memory() noexcept {
  // glibc keeps freed chunks in its arenas (one per thread that allocated
  // at the same time as another), and only the top of the main heap goes
  // back by itself: trimming every arena returns the free pages in them.
  (void)malloc_trim(0);
}

}  // namespace newsd
