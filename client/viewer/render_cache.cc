#include "client/viewer/render_cache.h"

namespace hopso::client {

RenderCache::RenderCache(qint64 capacityBytes) : m_capacity(capacityBytes) {}

QImage RenderCache::find(int page, QSize pixelSize) {
  const auto it = m_index.constFind(Key{page, pixelSize.width(), pixelSize.height()});
  if (it == m_index.constEnd()) {
    ++m_misses;
    return {};
  }
  ++m_hits;
  m_entries.splice(m_entries.begin(), m_entries, it.value());
  return it.value()->image;
}

bool RenderCache::contains(int page, QSize pixelSize) const {
  return m_index.contains(Key{page, pixelSize.width(), pixelSize.height()});
}

QImage RenderCache::anyForPage(int page) const {
  QImage best;
  for (const Entry& entry : m_entries) {
    if (entry.key.page == page && entry.image.width() > best.width()) best = entry.image;
  }
  return best;
}

void RenderCache::insert(int page, const QImage& image) {
  if (image.isNull()) return;
  const Key key{page, image.width(), image.height()};
  if (const auto it = m_index.constFind(key); it != m_index.constEnd()) {
    m_bytes -= it.value()->image.sizeInBytes();
    m_entries.erase(it.value());
    m_index.remove(key);
  }
  if (image.sizeInBytes() > m_capacity) return;
  m_entries.push_front(Entry{key, image});
  m_index.insert(key, m_entries.begin());
  m_bytes += image.sizeInBytes();
  evict();
}

void RenderCache::clear() {
  m_entries.clear();
  m_index.clear();
  m_bytes = 0;
}

void RenderCache::setCapacity(qint64 bytes) {
  m_capacity = bytes;
  evict();
}

void RenderCache::evict() {
  while (m_bytes > m_capacity && !m_entries.empty()) {
    const Entry& last = m_entries.back();
    m_bytes -= last.image.sizeInBytes();
    m_index.remove(last.key);
    m_entries.pop_back();
  }
}

}  // namespace hopso::client
