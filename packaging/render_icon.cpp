// render_icon IN.svg SIZE OUT.png: the icon as a SIZE x SIZE bitmap, for
// desktops that look up a PNG in the hicolor theme (packaging/CMakeLists.txt
// runs it at build time, so the SVG is the one source). A build tool; not
// installed.
#include <QImage>
#include <QPainter>
#include <QString>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fputs("usage: render_icon IN.svg SIZE OUT.png\n", stderr);
    return 2;
  }
  bool ok = false;
  const int size = QString::fromLocal8Bit(argv[2]).toInt(&ok);
  if (!ok || size < 16 || size > 1024) {
    std::fprintf(stderr, "render_icon: SIZE must be 16 to 1024, not '%s'\n", argv[2]);
    return 2;
  }
  QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
  if (!svg.isValid()) {
    std::fprintf(stderr, "render_icon: %s: not a readable SVG\n", argv[1]);
    return 1;
  }
  QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::transparent);
  {
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
  }
  if (!image.save(QString::fromLocal8Bit(argv[3]), "PNG")) {
    std::fprintf(stderr, "render_icon: %s: cannot write\n", argv[3]);
    return 1;
  }
  return 0;
}
