// A folder as an MDA would keep it on disk, in the two layouts the notes name: Maildir, one file
// per message, in new/ until a user agent has seen it (\Recent), then in cur/ with its flags
// after ":2," (D draft, F flagged, R answered, S seen, T deleted); and mbox, one file, each
// message after a "From " line with its envelope sender and arrival time, and a line of the
// message that starts with "From " (or ">From ") given one more ">" (mboxrd). wiresim keeps the
// store in memory; these show what either layout would hold.
#pragma once

#include <cstdint>
#include <string>

#include "protocols/mail/store.hpp"

namespace wiresim::email {

// `ls` of the folder's cur/ and new/ (INBOX is ~/Maildir, "Work/Projects" ~/Maildir/.Work.Projects,
// as Maildir++ names them). File names: arrival time, UID, host, S=size.
std::string maildir_listing(const mail::Folder& folder, const std::string& user, const std::string& host,
                            std::int64_t epoch_unix_seconds);
// The folder as one mbox file, LF line ends.
std::string mbox_file(const mail::Folder& folder, std::int64_t epoch_unix_seconds);
// `ls -l` of that file and a `grep -n "^From "` of its separator lines.
std::string mbox_listing(const mail::Folder& folder, const std::string& user, std::int64_t epoch_unix_seconds);

}  // namespace wiresim::email
