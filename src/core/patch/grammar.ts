/**
 * The apply_patch format (../../../docs: EDIT-FORMAT.md's grammar) as a Lark grammar, for providers that
 * constrain a freeform tool's input to a grammar (OpenAI's Responses custom tools): the model then writes the
 * patch itself as the tool input, the way GPT-5-family models are trained to, instead of a JSON string.
 * The engine stays more tolerant than this grammar; the grammar only shapes what the model writes.
 */
export const APPLY_PATCH_LARK = String.raw`start: begin_patch file_op+ end_patch
begin_patch: "*** Begin Patch" LF
end_patch: "*** End Patch" LF?

file_op: add_file | delete_file | update_file

add_file: "*** Add File: " path LF added_line+
delete_file: "*** Delete File: " path LF
update_file: "*** Update File: " path LF move_to? hunk*
move_to: "*** Move to: " path LF

hunk: hunk_header hunk_line+ end_of_file?
hunk_header: "@@" header_text? LF
header_text: / [^\n]*/
hunk_line: (" " | "-" | "+") /[^\n]*/ LF
added_line: "+" /[^\n]*/ LF
end_of_file: "*** End of File" LF

path: /[^\n]+/

%import common.LF
`;
