// A file name's media type (RFC 2046) by its extension: the one table that a mail attachment's
// Content-Type (builder.cpp) and an HTTP server's (http/file_server_app.cpp) both come from.
#pragma once

#include <string_view>

namespace wiresim::mime {

// By the extension after the last dot, in any case: the seven top-level types of RFC 2046 that
// files have (text, image, audio, video, application), e.g. "notes.txt" text/plain, "talk.ps"
// application/postscript, "voice.au" audio/basic, "clip.mpeg" video/mpeg. Anything else, and a
// name without an extension, is application/octet-stream.
std::string_view media_type_for(std::string_view filename);

}  // namespace wiresim::mime
