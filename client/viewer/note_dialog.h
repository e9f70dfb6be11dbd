// The small editor for a text note on a page.
#ifndef HOPSO_CLIENT_VIEWER_NOTE_DIALOG_H_
#define HOPSO_CLIENT_VIEWER_NOTE_DIALOG_H_

#include <QDialog>

class QPlainTextEdit;

namespace hopso::client {

// NoteDialog
//
// Shows a note's text: editable for the user's own notes (Save, Cancel and,
// for an existing note, Delete), read-only with the author's name for
// others'. The viewer opens it with open() (never exec(): it must not block
// a gesture or a test) and reads text() / deleteRequested() on accepted().
class NoteDialog : public QDialog {
  Q_OBJECT

 public:
  // At most this many characters are kept (annotation.proto's limit).
  static constexpr int kMaxChars = 10000;

  NoteDialog(const QString& text, bool editable, bool existing, const QString& author,
             QWidget* parent = nullptr);

  QString text() const;
  void setText(const QString& text);
  bool deleteRequested() const { return m_delete; }

 private:
  QPlainTextEdit* m_edit;
  bool m_delete = false;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_VIEWER_NOTE_DIALOG_H_
