// The file_operations of files no driver here owns: regular files of a disk filesystem
// (ext4_file_operations) and character devices with nothing to release (/dev/null's
// null_fops). Their release does nothing the models look at.

import { register_file_operations } from './file-operations.ts';

export const EXT4_FILE_OPERATIONS = register_file_operations('ext4_file_operations', {});
export const NULL_FOPS = register_file_operations('null_fops', {});
