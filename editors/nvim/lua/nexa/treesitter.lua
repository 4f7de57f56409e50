-- Tree-sitter for Nexa through Neovim's built-in vim.treesitter only (no nvim-treesitter).
--
-- The parser is parser/nexa.so on the runtimepath (editors/nvim/build-parser.sh builds it) and the
-- queries are queries/nexa/*.scm (editors/nvim/queries/nexa is grammar-ts/queries). The API moved
-- between versions, so each call is chosen by feature detection:
--   load the parser   0.7–0.8: vim.treesitter.require_language   0.9+: vim.treesitter.language.add
--   highlight         0.7:     vim.treesitter.highlighter.new       0.8+: vim.treesitter.start
--   get a query       0.7–0.8: vim.treesitter.get_query             0.9+: vim.treesitter.query.get
local M = {}

M.lang = 'nexa'

local ts = vim.treesitter

--- Loads the parser; returns true, or false and a message saying what is missing.
function M.load_language(path)
  local ok, result
  if ts.language.add then
    ok, result = pcall(ts.language.add, M.lang, path and { path = path } or nil)
  else
    ok, result = pcall(ts.require_language, M.lang, path)
  end
  -- 0.7–0.9 raise on failure; 0.10+ may return nil and a message instead: ask whether it is loaded.
  local inspect = ts.language.inspect or ts.language.inspect_language
  if ok and pcall(inspect, M.lang) then
    return true
  end
  local parsers = vim.api.nvim_get_runtime_file('parser/' .. M.lang .. '.so', true)
  local where = #parsers > 0 and table.concat(parsers, ', ')
    or 'no parser/nexa.so on the runtimepath (run editors/nvim/build-parser.sh)'
  return false, string.format('cannot load the Nexa parser (%s): %s', where, tostring(result))
end

--- The named query (highlights, locals, folds, …) or nil.
function M.get_query(name)
  local get = (ts.query and ts.query.get) or ts.get_query
  local ok, query = pcall(get, M.lang, name)
  return ok and query or nil
end

--- Starts tree-sitter highlighting in `buf`; returns true or false and a message.
function M.start(buf, path)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  local loaded, message = M.load_language(path)
  if not loaded then
    return false, message
  end
  local ok, err
  if ts.start then
    ok, err = pcall(ts.start, buf, M.lang)
  else
    ok, err = pcall(function()
      local parser = ts.get_parser(buf, M.lang)
      ts.highlighter.new(parser)
    end)
  end
  if not ok then
    return false, 'tree-sitter highlighting could not start: ' .. tostring(err)
  end
  if vim.treesitter.foldexpr then -- 0.9+: folds from queries/nexa/folds.scm
    for _, win in ipairs(vim.fn.win_findbuf(buf)) do
      vim.wo[win].foldmethod = 'expr'
      vim.wo[win].foldexpr = 'v:lua.vim.treesitter.foldexpr()'
      vim.wo[win].foldenable = false
    end
  end
  return true
end

--- True when the built-in highlighter is attached to `buf`.
function M.is_active(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  return ts.highlighter.active[buf] ~= nil
end

--- The capture names of the highlights query that cover (row, col), 0-based, innermost last.
function M.captures_at(buf, row, col)
  local query = M.get_query('highlights')
  if not query then
    return {}
  end
  local tree = ts.get_parser(buf, M.lang):parse()[1]
  local names = {}
  for id, node in query:iter_captures(tree:root(), buf, row, row + 1) do
    local sr, sc, er, ec = node:range()
    local starts_before = sr < row or (sr == row and sc <= col)
    local ends_after = er > row or (er == row and ec > col)
    if starts_before and ends_after then
      table.insert(names, query.captures[id])
    end
  end
  return names
end

return M
