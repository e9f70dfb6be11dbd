#include "client/model/annotation_model.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "client/model/annotation_store.h"
#include "client/net/test_util.h"

namespace hopso::client {
namespace {

v1::Annotation ink(int page, std::initializer_list<std::pair<float, float>> points) {
  v1::Annotation a;
  a.set_page(page);
  a.set_kind(v1::ANNOTATION_KIND_INK);
  a.set_width(2);
  for (const auto& [x, y] : points) {
    v1::InkPoint* p = a.add_points();
    p->set_x(x);
    p->set_y(y);
    p->set_pressure(1);
  }
  return a;
}

class AnnotationModelTest : public ::testing::Test {
 protected:
  void SetUp() override { store_.setUserId("me"); }

  const v1::Annotation* stored(const QString& id) { return store_.find("d1", 2, id); }

  QTemporaryDir dir_;
  std::unique_ptr<Api> api_ = testing::unreachableApi();
  AnnotationStore store_{api_.get(), dir_.path()};
  AnnotationModel model_{&store_, "d1", 2};
};

TEST_F(AnnotationModelTest, AddUndoRedoAreRevisions) {
  QSignalSpy pages(&model_, &AnnotationModel::pageChanged);
  const QString id = model_.add(ink(4, {{10, 10}, {20, 20}}));
  const v1::Annotation* a = model_.annotation(id);
  ASSERT_NE(a, nullptr);
  EXPECT_GE(id.size(), 16);
  EXPECT_EQ(a->document_id(), "d1");
  EXPECT_EQ(a->version(), 2);
  EXPECT_EQ(a->author_user_id(), "me");
  EXPECT_EQ(a->visibility(), v1::ANNOTATION_VISIBILITY_PRIVATE) << "private by default";
  EXPECT_EQ(a->revision(), 1);
  EXPECT_EQ(model_.annotationsOnPage(4).size(), 1);
  EXPECT_TRUE(model_.annotationsOnPage(3).isEmpty());
  ASSERT_EQ(pages.count(), 1);
  EXPECT_EQ(pages.at(0).at(0).toInt(), 4);

  model_.undoStack()->undo();
  EXPECT_EQ(model_.annotation(id), nullptr);
  EXPECT_TRUE(model_.annotationsOnPage(4).isEmpty());
  EXPECT_TRUE(stored(id)->deleted());
  EXPECT_EQ(stored(id)->revision(), 2);
  EXPECT_EQ(pages.count(), 2);

  model_.undoStack()->redo();
  ASSERT_NE(model_.annotation(id), nullptr);
  EXPECT_EQ(stored(id)->revision(), 3);
  EXPECT_FALSE(stored(id)->deleted());
  EXPECT_EQ(store_.pending(id)->revision(), 3) << "the newest state goes to the server";
}

TEST_F(AnnotationModelTest, SharingNewAnnotationsIsOneUndoStep) {
  model_.setNewVisibility(v1::ANNOTATION_VISIBILITY_SHARED);
  const QString id = model_.add(ink(0, {{10, 10}, {20, 20}}));
  EXPECT_EQ(model_.annotation(id)->visibility(), v1::ANNOTATION_VISIBILITY_SHARED);
  EXPECT_EQ(model_.undoStack()->count(), 1);
  EXPECT_EQ(store_.pending(id)->visibility(), v1::ANNOTATION_VISIBILITY_SHARED);
  model_.undoStack()->undo();
  EXPECT_EQ(model_.annotation(id), nullptr);

  model_.setNewVisibility(v1::ANNOTATION_VISIBILITY_PRIVATE);
  const QString second = model_.add(ink(0, {{30, 30}, {40, 40}}));
  EXPECT_EQ(model_.annotation(second)->visibility(), v1::ANNOTATION_VISIBILITY_PRIVATE);
}

TEST_F(AnnotationModelTest, EraseShareAndEditAreUndoable) {
  v1::Annotation n;
  n.set_page(0);
  n.set_kind(v1::ANNOTATION_KIND_NOTE);
  n.set_text("Xem lại số liệu");
  v1::PageRect* r = n.add_rects();
  r->set_x(100);
  r->set_y(200);
  r->set_width(24);
  r->set_height(24);
  const QString id = model_.add(n);

  ASSERT_TRUE(model_.setShared(id, true));
  EXPECT_EQ(model_.annotation(id)->visibility(), v1::ANNOTATION_VISIBILITY_SHARED);
  EXPECT_FALSE(model_.setShared(id, true)) << "nothing to change";
  ASSERT_TRUE(model_.editNote(id, QString::fromUtf8("Xem lại số liệu quý IV")));
  EXPECT_EQ(model_.annotation(id)->text(), "Xem lại số liệu quý IV");
  ASSERT_TRUE(model_.remove(id));
  EXPECT_EQ(model_.annotation(id), nullptr);
  EXPECT_EQ(stored(id)->revision(), 4);
  EXPECT_EQ(model_.undoStack()->count(), 4);
  EXPECT_FALSE(model_.undoStack()->undoText().isEmpty());

  model_.undoStack()->undo();  // erase
  ASSERT_NE(model_.annotation(id), nullptr);
  model_.undoStack()->undo();  // edit
  EXPECT_EQ(model_.annotation(id)->text(), "Xem lại số liệu");
  model_.undoStack()->undo();  // share
  EXPECT_EQ(model_.annotation(id)->visibility(), v1::ANNOTATION_VISIBILITY_PRIVATE);
  EXPECT_EQ(stored(id)->revision(), 7) << "undo raises the revision too";
  model_.undoStack()->redo();
  EXPECT_EQ(model_.annotation(id)->visibility(), v1::ANNOTATION_VISIBILITY_SHARED);
  EXPECT_EQ(stored(id)->revision(), 8);
}

TEST_F(AnnotationModelTest, OthersAnnotationsAreReadOnly) {
  // Stands in for a shared annotation that a sync brought from the server.
  v1::Annotation theirs = ink(1, {{0, 0}, {50, 50}});
  theirs.set_id("theirs-aaaaaaaa");
  theirs.set_document_id("d1");
  theirs.set_version(2);
  theirs.set_author_user_id("someone-else");
  theirs.set_visibility(v1::ANNOTATION_VISIBILITY_SHARED);
  theirs.set_revision(5);
  QSignalSpy pages(&model_, &AnnotationModel::pageChanged);
  store_.record("d1", 2, theirs);
  ASSERT_EQ(pages.count(), 1) << "the model follows the store";
  EXPECT_EQ(pages.at(0).at(0).toInt(), 1);
  ASSERT_NE(model_.annotation("theirs-aaaaaaaa"), nullptr);
  EXPECT_FALSE(model_.isMine(*model_.annotation("theirs-aaaaaaaa")));
  EXPECT_FALSE(model_.remove("theirs-aaaaaaaa"));
  EXPECT_FALSE(model_.setShared("theirs-aaaaaaaa", false));
  EXPECT_FALSE(model_.editNote("theirs-aaaaaaaa", "x"));
  EXPECT_EQ(model_.undoStack()->count(), 0);
  EXPECT_TRUE(model_.hitTest(1, {25, 25}, 2).isEmpty()) << "the eraser skips it";
}

TEST_F(AnnotationModelTest, HitTestFindsTheTopmostOwnStroke) {
  const QString low = model_.add(ink(0, {{0, 100}, {200, 100}}));
  const QString high = model_.add(ink(0, {{100, 0}, {100, 200}}));
  EXPECT_EQ(model_.hitTest(0, {100, 100}, 1), high);
  EXPECT_EQ(model_.hitTest(0, {150, 102}, 2), low);
  EXPECT_TRUE(model_.hitTest(0, {150, 120}, 2).isEmpty());
  EXPECT_TRUE(model_.hitTest(1, {100, 100}, 2).isEmpty());
}

}  // namespace
}  // namespace hopso::client
