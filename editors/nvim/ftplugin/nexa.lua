-- Buffer options for Nexa. Tree-sitter and the language server are started by require('nexa').setup().
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

vim.bo.commentstring = '// %s'
vim.bo.comments = 's1:/*,mb:*,ex:*/,://'
vim.bo.suffixesadd = '.nx,.nxlib'

vim.b.undo_ftplugin = 'setlocal commentstring< comments< suffixesadd<'
