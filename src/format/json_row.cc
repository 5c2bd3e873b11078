#include "format/json_row.h"

#include <cstring>

#include "format/json_value.h"
#include "util/json_text.h"

namespace lakegate::format {

void JsonRowRenderer::prepare(const arrow::Schema& schema) {
  keys_.clear();
  for (size_t k = 0; k < schema.fields.size(); ++k) {
    Key key;
    key.text.assign(1, k == 0 ? '{' : ',');
    util::append_json_string(key.text, schema.fields[k].name);
    key.text.push_back(':');
    key.length = key.text.size();
    key.text.resize((key.length + 15) / 16 * 16, '\0');
    key.render = cell_renderer_for(schema.fields[k]);
    keys_.push_back(std::move(key));
  }
}

void JsonRowRenderer::append_row(TextBuffer& out, const arrow::Schema& schema,
                                 const arrow::RecordBatch& batch, int64_t row) const {
  if (keys_.empty()) {
    out.append("{}");
    return;
  }
  for (size_t k = 0; k < keys_.size(); ++k) {
    const Key& key = keys_[k];
    char* p = out.reserve(key.text.size());
    for (size_t block = 0; block < key.text.size(); block += 16) {
      std::memcpy(p + block, key.text.data() + block, 16);
    }
    out.commit(p + key.length);
    key.render(out, schema.fields[k], batch.columns[k], row);
  }
  out.push_back('}');
}

}  // namespace lakegate::format
