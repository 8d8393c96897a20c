// MainWindow: the File menu (Open, Quit) around one TimelineView.
#pragma once

#include <QMainWindow>
#include <QString>

namespace lockscope::gui {

class TimelineView;

class MainWindow : public QMainWindow {
 public:
  MainWindow();
  // Opens a timeline file; a bad file shows the reader's error in the view.
  void open(const QString& path);

 private:
  TimelineView* view_;
};

}  // namespace lockscope::gui
