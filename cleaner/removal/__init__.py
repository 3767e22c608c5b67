"""Moving rejected copies out of the way, safely, and putting them back.

`plan` decides what may move; `move` carries a plan out, checking each file again just
before it moves (`fileidentity`); `trash` moves it (the OS trash or a quarantine folder);
`undolog` records every move before it happens, `undolog_open` opens it for reading and
`undolog_recovery` (with `undolog_pages`) rebuilds a damaged one; `restore` and `rescue`
put files back; `movelock` lets one removal or undo run at a time."""
