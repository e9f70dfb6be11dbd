#include "client/ui/style.h"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QStyleFactory>

namespace hopso::client {

namespace {

// Sizes are in device-independent pixels so high-DPI tablets scale them.
constexpr char kStyleSheet[] = R"(
QWidget { font-size: 17px; }
QPushButton, QToolButton {
  min-height: 44px; padding: 4px 16px; border: 1px solid #b8c2cc; border-radius: 8px;
  background: #ffffff; color: #1f2933;
}
QPushButton:hover, QToolButton:hover { background: #eef3f8; }
QPushButton:pressed, QToolButton:pressed, QToolButton:checked {
  background: #d7e3f1; border-color: #1d4e89;
}
QPushButton:disabled, QToolButton:disabled { color: #9aa5b1; background: #f5f7fa; }
QPushButton[role="primary"] {
  background: #1d4e89; color: white; border: none; font-weight: 600;
}
QPushButton[role="primary"]:hover { background: #2563a6; }
QPushButton[role="primary"]:pressed { background: #163c69; }
QPushButton[role="primary"]:disabled { background: #9fb3c8; color: #f0f4f8; }
QToolButton { padding: 4px 10px; min-width: 44px; }
QToolButton[popupMode="2"] { padding-right: 24px; }
QComboBox::drop-down { border: none; width: 28px; }
QLineEdit, QSpinBox, QComboBox {
  min-height: 44px; padding: 0 10px; border: 1px solid #b8c2cc; border-radius: 8px;
  background: white; selection-background-color: #1d4e89;
}
QLineEdit:focus, QSpinBox:focus, QComboBox:focus { border: 2px solid #1d4e89; }
QLabel[role="title"] { font-size: 26px; font-weight: 600; color: #102a43; }
QLabel[role="subtitle"] { font-size: 19px; font-weight: 600; color: #243b53; }
QLabel[role="hint"] { color: #52606d; }
QLabel[role="error"] {
  color: #8a1c1c; background: #fdecec; border: 1px solid #f5b5b5; border-radius: 8px;
  padding: 10px 12px;
}
QLabel[role="info"] {
  color: #0b4f3c; background: #e3f8f0; border: 1px solid #9fe3c9; border-radius: 8px;
  padding: 10px 12px;
}
QListView, QTreeView {
  border: 1px solid #d9e2ec; border-radius: 8px; background: white;
  alternate-background-color: #f7f9fb;
}
QTreeView::item, QListView::item { min-height: 48px; }
QTreeView::item:selected, QListView::item:selected { background: #d7e3f1; color: #102a43; }
QProgressBar {
  min-height: 22px; border: 1px solid #b8c2cc; border-radius: 6px; text-align: center;
  background: #f0f4f8;
}
QProgressBar::chunk { background: #1d4e89; border-radius: 5px; }
QScrollBar:vertical { width: 14px; }
QScrollBar:horizontal { height: 14px; }
QToolBar { spacing: 6px; padding: 4px; background: #f0f4f8; border: none; }
)";

}  // namespace

void applyTabletStyle(QApplication& app) {
  app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QPalette p = app.palette();
  p.setColor(QPalette::Window, QColor(0xf5, 0xf7, 0xfa));
  p.setColor(QPalette::Base, Qt::white);
  p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf9, 0xfb));
  p.setColor(QPalette::Text, QColor(0x1f, 0x29, 0x33));
  p.setColor(QPalette::WindowText, QColor(0x1f, 0x29, 0x33));
  p.setColor(QPalette::ButtonText, QColor(0x1f, 0x29, 0x33));
  p.setColor(QPalette::Highlight, palette::kAccent);
  p.setColor(QPalette::HighlightedText, Qt::white);
  app.setPalette(p);
  // Liberation Sans (and DejaVu) carry every Vietnamese letter with its
  // stacked diacritics; fontconfig falls back when neither is installed.
  QFont font(QStringLiteral("Liberation Sans"));
  font.setStyleHint(QFont::SansSerif);
  font.setPixelSize(17);
  app.setFont(font);
  app.setStyleSheet(QString::fromLatin1(kStyleSheet));
}

}  // namespace hopso::client
