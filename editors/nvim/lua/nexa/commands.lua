-- The client commands behind nexa-lsp's code lenses (Run, Debug, Show DAG above each flow), each
-- called with the arguments [document uri, flow name]:
--   nexa.runFlow    `nexa run --flow FLOW FILE` in a terminal split
--   nexa.debugFlow  an nvim-dap launch of the flow (when nvim-dap is installed)
--   nexa.showDag    the flow's graph from the server's `nexa/dag` request in a scratch buffer; <CR> on a
--                   node line jumps to its source
local M = {}

M.options = { nexa = 'nexa', provider = nil }

local function arguments(command)
  local args = command.arguments or {}
  return args[1], args[2] or 'main'
end

local function notify(message, level)
  vim.notify('nexa: ' .. message, level or vim.log.levels.INFO)
end

function M.run_flow(command)
  local uri, flow = arguments(command)
  local path = vim.uri_to_fname(uri)
  local argv = { M.options.nexa, 'run', '--flow', flow }
  if M.options.provider then
    vim.list_extend(argv, { '--provider', M.options.provider })
  end
  table.insert(argv, path)
  vim.cmd('botright split')
  vim.cmd('enew')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].bufhidden = 'wipe'
  local job = vim.fn.termopen(argv, { cwd = vim.fn.fnamemodify(path, ':h') })
  vim.b[buf].nexa_job = job
  return buf, job
end

function M.debug_flow(command)
  local uri, flow = arguments(command)
  local ok, dap = pcall(require, 'dap')
  if not ok then
    notify('Debug needs nvim-dap (see docs/neovim.md)', vim.log.levels.WARN)
    return false
  end
  dap.run({
    type = 'nexa',
    request = 'launch',
    name = 'Nexa: debug ' .. flow,
    program = vim.uri_to_fname(uri),
    flow = flow,
    args = {},
    stopOnEntry = true,
  })
  return true
end

--- The lines of a `nexa/dag` answer, and the (uri, range) each node line points at.
function M.dag_lines(graph, default_uri)
  local lines = { 'flow ' .. graph.flow .. '   (<CR> on a node: go to its source)', '' }
  local targets = {}
  for _, node in ipairs(graph.nodes or {}) do
    local uri = node.uri ~= vim.NIL and node.uri or default_uri
    table.insert(lines, string.format('%-4s %-10s %s', node.id, node.kind, node.label))
    if node.range then
      targets[#lines] = { uri = uri, range = node.range }
    end
  end
  table.insert(lines, '')
  for _, edge in ipairs(graph.edges or {}) do
    local label = (edge.label and edge.label ~= vim.NIL) and ('  ' .. edge.label) or ''
    table.insert(lines, string.format('%s -> %s%s', edge.source, edge.target, label))
  end
  return lines, targets
end

function M.show_dag(command, ctx)
  local uri, flow = arguments(command)
  local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    notify('Show DAG needs the nexa-lsp client', vim.log.levels.WARN)
    return
  end
  local source_buf = vim.uri_to_bufnr(uri)
  local function request(...)
    if vim.fn.has('nvim-0.11') == 1 then
      return client:request(...)
    end
    return client.request(...)
  end
  request('nexa/dag', { textDocument = { uri = uri }, flow = flow }, function(err, graph)
    if err then
      notify('nexa/dag: ' .. (err.message or vim.inspect(err)), vim.log.levels.WARN)
      return
    end
    local lines, targets = M.dag_lines(graph, uri)
    vim.cmd('botright vsplit')
    vim.cmd('enew')
    local buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].swapfile = false
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].modifiable = false
    vim.keymap.set('n', '<CR>', function()
      local target = targets[vim.api.nvim_win_get_cursor(0)[1]]
      if target then
        local location = { uri = target.uri, range = target.range }
        vim.cmd('wincmd p')
        if vim.lsp.util.show_document then -- 0.10+
          vim.lsp.util.show_document(location, client.offset_encoding, { focus = true })
        else
          vim.lsp.util.jump_to_location(location, client.offset_encoding)
        end
      end
    end, { buffer = buf })
  end, source_buf)
end

function M.register(opts)
  M.options = vim.tbl_extend('force', M.options, opts or {})
  vim.lsp.commands['nexa.runFlow'] = M.run_flow
  vim.lsp.commands['nexa.debugFlow'] = M.debug_flow
  vim.lsp.commands['nexa.showDag'] = M.show_dag
end

return M
