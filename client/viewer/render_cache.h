// Rendered pages kept in memory, so that turning back and forth is instant.
#ifndef HOPSO_CLIENT_VIEWER_RENDER_CACHE_H_
#define HOPSO_CLIENT_VIEWER_RENDER_CACHE_H_

#include <QHash>
#include <QImage>
#include <QSize>

#include <list>

namespace hopso::client {

// RenderCache
//
// Page images keyed by (page, size in device pixels), least recently used
// dropped first once their bytes exceed the capacity. An image larger than
// the whole capacity is not kept. GUI thread only. Counts hits and misses of
// find(), which is what the viewer's paint path uses.
//
//   RenderCache cache(128 << 20);
//   cache.insert(3, image);
//   QImage page = cache.find(3, image.size());
class RenderCache {
 public:
  explicit RenderCache(qint64 capacityBytes = kDefaultCapacity);

  // About 16 pages at fit-width on a 1920×1200 tablet.
  static constexpr qint64 kDefaultCapacity = qint64(160) << 20;

  QImage find(int page, QSize pixelSize);
  bool contains(int page, QSize pixelSize) const;
  // The largest image held for `page` at any size (a blurry stand-in while
  // the right size renders); null when none. Does not touch the LRU order.
  QImage anyForPage(int page) const;
  void insert(int page, const QImage& image);
  void clear();

  void setCapacity(qint64 bytes);
  qint64 capacity() const { return m_capacity; }
  qint64 bytesUsed() const { return m_bytes; }
  int count() const { return int(m_entries.size()); }
  qint64 hits() const { return m_hits; }
  qint64 misses() const { return m_misses; }

 private:
  struct Key {
    int page;
    int width;
    int height;
    friend bool operator==(const Key&, const Key&) = default;
    friend size_t qHash(const Key& key, size_t seed = 0) {
      return qHashMulti(seed, key.page, key.width, key.height);
    }
  };
  struct Entry {
    Key key;
    QImage image;
  };

  void evict();

  qint64 m_capacity;
  qint64 m_bytes = 0;
  qint64 m_hits = 0;
  qint64 m_misses = 0;
  std::list<Entry> m_entries;  // most recently used first
  QHash<Key, std::list<Entry>::iterator> m_index;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_VIEWER_RENDER_CACHE_H_
