#include "arrow/ipc_reader.h"

#include "arrow/batch_reader.h"
#include "arrow/ipc_message.h"
#include "arrow/schema_reader.h"

namespace lakegate::arrow {

using internal::protocol_error;

Result<IpcStreamReader> IpcStreamReader::open(std::string_view bytes) {
  size_t position = 0;
  std::vector<uint64_t> scratch;
  internal::IpcMessage message;
  auto found = internal::read_message(bytes, position, scratch, message);
  if (!found) return found.error();
  if (!*found) return protocol_error("stream has no schema message");
  const fb::Schema* schema = message.message->header_as_Schema();
  if (schema == nullptr) return protocol_error("stream does not start with a schema");
  auto parsed = internal::read_schema(*schema);
  if (!parsed) return parsed.error();
  IpcStreamReader reader(bytes, position, std::move(*parsed));
  reader.scratch_ = std::move(scratch);
  return reader;
}

Result<bool> IpcStreamReader::next(RecordBatch& batch) {
  internal::IpcMessage message;
  auto found = internal::read_message(bytes_, position_, scratch_, message);
  if (found && *found) {
    const fb::RecordBatch* source = message.message->header_as_RecordBatch();
    Status status;
    if (source != nullptr) {
      status = internal::read_record_batch(schema_, *source, message.body, batch);
    } else if (message.message->header_type() == fb::MessageHeader::DictionaryBatch) {
      status = protocol_error("dictionary batches are not supported");
    } else {
      status = protocol_error("unexpected message in stream (header type " +
                              std::to_string(int(message.message->header_type())) + ")");
    }
    if (status) return true;
    found = status.error();
  }
  if (!found) position_ = bytes_.size();  // stop after the first error
  return found;
}

}  // namespace lakegate::arrow
