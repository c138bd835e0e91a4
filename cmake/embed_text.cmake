# Writes OUTPUT from TEMPLATE with @CONTENT_VAR@ replaced by the text of INPUT, verbatim
# (no other substitution, so e-mail addresses and ${...} in the text stay as they are).
# Usage: cmake -DINPUT=... -DTEMPLATE=... -DOUTPUT=... -DPLACEHOLDER=... -P embed_text.cmake
file(READ "${INPUT}" content)
file(READ "${TEMPLATE}" template)
string(FIND "${template}" "${PLACEHOLDER}" at)
string(LENGTH "${PLACEHOLDER}" placeholder_length)
string(SUBSTRING "${template}" 0 ${at} head)
math(EXPR tail_start "${at} + ${placeholder_length}")
string(SUBSTRING "${template}" ${tail_start} -1 tail)
file(WRITE "${OUTPUT}.tmp" "${head}${content}${tail}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
