#include "engine/cli/lists.hpp"

#include <sstream>
#include <string_view>

namespace lockscope::engine::cli {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string json_one_or_array(const std::vector<std::string>& objects) {
  if (objects.size() == 1) return objects.front();
  std::string json = "[\n";
  for (std::size_t i = 0; i < objects.size(); ++i) {
    // Each object ends in a newline: the comma goes before it.
    const std::string_view object(objects[i]);
    json.append(object.substr(0, object.size() - 1));
    json.append(i + 1 != objects.size() ? ",\n" : "\n");
  }
  json.append("]\n");
  return json;
}

}  // namespace lockscope::engine::cli
