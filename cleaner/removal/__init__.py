"""Moving rejected copies out of the way, safely, and putting them back.

`plan` decides what may move; `move` carries a plan out, checking each file again just
before it moves (`fileidentity`); `trash` moves it (the OS trash or a quarantine folder);
`undolog` records every move before it happens; `restore` and `rescue` put files back;
`movelock` lets one removal or undo run at a time."""
