#include "client/viewer/note_dialog.h"

#include <QDialogButtonBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace hopso::client {

NoteDialog::NoteDialog(const QString& text, bool editable, bool existing,
                       const QString& author, QWidget* parent)
    : QDialog(parent), m_edit(new QPlainTextEdit(this)) {
  setWindowTitle(editable ? tr("Note") : tr("Note by %1").arg(author));
  m_edit->setPlainText(text);
  m_edit->setReadOnly(!editable);
  m_edit->setPlaceholderText(tr("Write your note here"));
  m_edit->setMinimumSize(360, 200);

  auto* buttons = new QDialogButtonBox(this);
  if (editable) {
    buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
    if (existing) {
      QPushButton* remove = buttons->addButton(tr("Delete note"),
                                               QDialogButtonBox::DestructiveRole);
      connect(remove, &QPushButton::clicked, this, [this] {
        m_delete = true;
        accept();
      });
    }
  } else {
    buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole);
  }
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_edit);
  layout->addWidget(buttons);
  m_edit->setFocus();
}

QString NoteDialog::text() const { return m_edit->toPlainText().left(kMaxChars); }

void NoteDialog::setText(const QString& text) { m_edit->setPlainText(text); }

}  // namespace hopso::client
