-- Drives `msklint server` from a real editor: Neovim, headless, with its
-- built-in LSP client (written for Debian's 0.7.2; it uses only calls that
-- later versions keep). tests/neovim.rs runs it as
--
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/nvim/lsp.lua'
--
-- with MSKLINT (the binary), MSKLINT_PATHWAY, MSKLINT_POLICY and
-- MSKLINT_EXPECTED (the pathway as it should read after the quick fix and
-- formatting) in the environment. It opens the pathway and the policy,
-- waits for their diagnostics, asks for a hover, applies a quick fix on
-- each and formats the pathway, checking every result; then stops the
-- server and checks it exited cleanly. Any failure ends Neovim with a
-- non-zero status and a line on stderr saying what went wrong.

local WAIT = 20000

local function say(text)
  io.stderr:write(text .. '\n')
end

local function wait(what, predicate)
  if not vim.wait(WAIT, predicate, 20) then
    error('timed out waiting for ' .. what, 2)
  end
end

local function env(name)
  local value = os.getenv(name)
  if value == nil or value == '' then
    error(name .. ' is not set')
  end
  return value
end

local function buffer_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n'
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local text = f:read('*a')
  f:close()
  return text
end

-- Diagnostics of a buffer whose code names `rule`.
local function of_rule(buf, rule)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if type(code) == 'string' and code:find(rule, 1, true) then
      table.insert(found, d)
    end
  end
  return found
end

-- The one result of a request to the msklint client.
local function request(buf, client_id, method, params)
  local results, err = vim.lsp.buf_request_sync(buf, method, params, WAIT)
  if not results then
    error(method .. ' failed: ' .. tostring(err))
  end
  local answer = results[client_id]
  if answer == nil then
    error(method .. ': no answer from msklint')
  end
  if answer.error then
    error(method .. ': ' .. vim.inspect(answer.error))
  end
  return answer.result
end

-- The protocol position (0-based line, UTF-16 character) of a byte
-- column of a line of the buffer.
local function position(buf, line, byte)
  local text = vim.api.nvim_buf_get_lines(buf, line, line + 1, false)[1]
  return { line = line, character = vim.str_utfindex(text, byte) }
end

-- Where `needle` starts: its protocol position, plus its byte column.
local function find(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local at = line:find(needle, 1, true)
    if at then
      local p = position(buf, i - 1, at - 1)
      p.byte = at - 1
      return p
    end
  end
  error('`' .. needle .. '` is not in the buffer')
end

local function open(path, filetype, client_id)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_option(buf, 'filetype', filetype)
  if not vim.lsp.buf_attach_client(buf, client_id) then
    error('could not attach msklint to ' .. path)
  end
  return buf
end

-- Asks for the code actions at `position` and applies the one titled `title`.
local function apply_action(buf, client, position, title)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = position, ['end'] = position },
    context = { diagnostics = {} },
  }
  local actions = request(buf, client.id, 'textDocument/codeAction', params) or {}
  local titles = {}
  for _, action in ipairs(actions) do
    table.insert(titles, action.title)
    if action.title == title then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
      return
    end
  end
  error('no code action "' .. title .. '" among: ' .. table.concat(titles, ' | '))
end

local function main()
  local program = env('MSKLINT')
  local pathway = env('MSKLINT_PATHWAY')
  local policy = env('MSKLINT_POLICY')
  local expected = read_file(env('MSKLINT_EXPECTED'))

  local exit_code = nil
  local client_id = vim.lsp.start_client({
    name = 'msklint',
    cmd = { program, 'server' },
    root_dir = vim.fn.getcwd(),
    get_language_id = function(_, filetype)
      return filetype == 'text' and 'plaintext' or filetype
    end,
    on_exit = function(code)
      exit_code = code
    end,
  })
  if not client_id then
    error('the client did not start')
  end
  local client = vim.lsp.get_client_by_id(client_id)

  -- 1. The pathway: diagnostics arrive, with codes.
  local pbuf = open(pathway, 'pathway', client_id)
  wait('diagnostics on the pathway', function()
    return #of_rule(pbuf, 'bmi-threshold') > 0 and #of_rule(pbuf, 'invalid-value') > 0
  end)
  say('pathway: ' .. #vim.diagnostic.get(pbuf) .. ' diagnostics')
  -- Neovim turns the server's UTF-16 positions into byte columns: they
  -- land on the criterion only if the server counted right past the
  -- accents and emoji earlier on the line.
  local bmi = of_rule(pbuf, 'bmi-threshold')[1]
  local at = find(pbuf, 'bmi < 40')
  if at.byte == at.character then
    error('the test pathway should have non-ASCII text before `bmi < 40`')
  end
  if bmi.lnum ~= at.line or bmi.col ~= at.byte or bmi.end_col ~= at.byte + #'bmi < 40' then
    error(string.format('bmi-threshold at %d:%d-%d, expected %d:%d-%d', bmi.lnum, bmi.col,
      bmi.end_col, at.line, at.byte, at.byte + #'bmi < 40'))
  end

  -- 2. Hover on the finding: the rule's explanation.
  local hover = request(pbuf, client_id, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(pbuf) },
    position = { line = at.line, character = at.character + 1 },
  })
  local shown = hover and hover.contents and (hover.contents.value or hover.contents) or ''
  if type(shown) ~= 'string' or not shown:find('MSK101 bmi-threshold', 1, true)
    or not shown:find('Why it matters', 1, true) then
    error('hover did not explain bmi-threshold: ' .. vim.inspect(hover))
  end
  say('hover: ' .. #shown .. ' characters of explanation')

  -- 3. Quick fix on the pathway: `=` becomes `==`.
  apply_action(pbuf, client, find(pbuf, '= false'), 'Replace `=` with `==`')
  wait('the fixed pathway to be checked again', function()
    return #of_rule(pbuf, 'invalid-value') == 0 and #of_rule(pbuf, 'bmi-threshold') > 0
  end)
  say('quick fix applied: invalid-value gone')

  -- 4. Formatting.
  local edits = request(pbuf, client_id, 'textDocument/formatting', {
    textDocument = { uri = vim.uri_from_bufnr(pbuf) },
    options = { tabSize = 2, insertSpaces = true },
  })
  if not edits or #edits == 0 then
    error('formatting returned no edits')
  end
  vim.lsp.util.apply_text_edits(edits, pbuf, client.offset_encoding or 'utf-16')
  local got = buffer_text(pbuf)
  if got ~= expected then
    error('formatted pathway differs:\n--- got\n' .. got .. '\n--- expected\n' .. expected)
  end
  say('formatted as msklint fmt formats it')

  -- 5. The policy: checked as a policy document; suppressed with a reason.
  local dbuf = open(policy, 'markdown', client_id)
  wait('diagnostics on the policy', function()
    return #of_rule(dbuf, 'bmi-threshold') > 0
  end)
  local sentence = of_rule(dbuf, 'bmi-threshold')[1]
  apply_action(dbuf, client, position(dbuf, sentence.lnum, sentence.col),
    'Suppress `bmi-threshold` here, with a reason')
  wait('the suppressed finding to go', function()
    return #of_rule(dbuf, 'bmi-threshold') == 0
  end)
  if #of_rule(dbuf, 'suppression-without-reason') > 0 or #of_rule(dbuf, 'unused-suppression') > 0 then
    error('the suppression is not sound: ' .. vim.inspect(vim.diagnostic.get(dbuf)))
  end
  if not buffer_text(dbuf):find('<!-- msklint: allow(bmi-threshold) reason: "', 1, true) then
    error('no suppression comment in the policy:\n' .. buffer_text(dbuf))
  end
  say('policy: finding suppressed with a reason')

  -- 6. A clean shutdown: `shutdown`, `exit`, status 0.
  vim.lsp.stop_client(client_id)
  wait('the server to exit', function()
    return exit_code ~= nil
  end)
  if exit_code ~= 0 then
    error('the server exited with status ' .. tostring(exit_code))
  end
  say('server stopped with status 0')
end

local ok, err = pcall(main)
if ok then
  say('neovim: all checks passed')
  vim.cmd('qa!')
else
  say('FAIL: ' .. tostring(err))
  vim.cmd('cquit 1')
end
