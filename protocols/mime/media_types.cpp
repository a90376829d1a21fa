#include "protocols/mime/media_types.hpp"

#include <utility>

#include "protocols/mail/message.hpp"

namespace wiresim::mime {

std::string_view media_type_for(std::string_view filename) {
  // The types of the notes' MIME table (text/plain, image/jpeg and gif, video/mpeg, audio/basic,
  // application/postscript and octet-stream), then the ones today's files most often are.
  static constexpr std::pair<std::string_view, std::string_view> Types[] = {
      {"txt", "text/plain"},          {"html", "text/html"},      {"htm", "text/html"},
      {"css", "text/css"},            {"js", "text/javascript"},  {"csv", "text/csv"},
      {"jpg", "image/jpeg"},          {"jpeg", "image/jpeg"},     {"gif", "image/gif"},
      {"png", "image/png"},           {"svg", "image/svg+xml"},   {"mpeg", "video/mpeg"},
      {"mpg", "video/mpeg"},          {"mp4", "video/mp4"},       {"webm", "video/webm"},
      {"ogv", "video/ogg"},           {"au", "audio/basic"},      {"snd", "audio/basic"},
      {"mp3", "audio/mpeg"},          {"ogg", "audio/ogg"},       {"oga", "audio/ogg"},
      {"ps", "application/postscript"}, {"eps", "application/postscript"},
      {"pdf", "application/pdf"},     {"zip", "application/zip"}, {"json", "application/json"},
  };
  const std::size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const std::string_view ext = filename.substr(dot + 1);
  for (const auto& [known, type] : Types)
    if (mail::iequals(ext, known)) return type;
  return "application/octet-stream";
}

}  // namespace wiresim::mime
