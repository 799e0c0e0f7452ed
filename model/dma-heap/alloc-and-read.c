// SPDX-License-Identifier: GPL-2.0
/*
 * kmc excerpt of drivers/dma-buf/dma-heap.c
 * Blob: f19b944d4eaa, the file after "[PATCH v2 1/5] dma-buf: heaps: Introduce
 * DMA_HEAP_ALLOC_AND_READ_FILE heap flag" (Huan Yang, 30 Jul 2024; seed 000) on v6.10's
 * 2298ca5e112e: from struct dma_heap to the end of dma_heap_ioctl(). This is the text the
 * model dma-heap/alloc-and-read.ts mirrors (its variant `posted`). The kernel's copyright
 * and licence (GPL-2.0) apply to this file.
 *
 * Framework for userspace DMA-BUF allocations
 *
 * Copyright (C) 2011 Google, Inc.
 * Copyright (C) 2019 Linaro Ltd.
 */

struct dma_heap {
	const char *name;
	const struct dma_heap_ops *ops;
	void *priv;
	dev_t heap_devt;
	struct list_head list;
	struct cdev heap_cdev;
};

/**
 * struct dma_heap_file - wrap the file, read task for dma_heap allocate use.
 * @file:		file to read from.
 * @fsize:		file size.
 */
struct dma_heap_file {
	struct file *file;
	size_t fsize;
};

static LIST_HEAD(heap_list);
static DEFINE_MUTEX(heap_list_lock);
static dev_t dma_heap_devt;
static struct class *dma_heap_class;
static DEFINE_XARRAY_ALLOC(dma_heap_minors);

static int init_dma_heap_file(struct dma_heap_file *heap_file, int file_fd)
{
	struct file *file;
	size_t fsz;

	file = fget(file_fd);
	if (!file)
		return -EINVAL;

	// Direct I/O only support PAGE_SIZE aligned files.
	fsz = i_size_read(file_inode(file));
	if (file->f_flags & O_DIRECT && !PAGE_ALIGNED(fsz))
		return -EINVAL;

	heap_file->fsize = fsz;
	heap_file->file = file;

	return 0;
}

static void deinit_dma_heap_file(struct dma_heap_file *heap_file)
{
	fput(heap_file->file);
}

/**
 * Trigger sync file read, read into dma-buf.
 *
 * @dmabuf:			which we done alloced and export.
 * @heap_file:			file info wrapper to read from.
 *
 * Whether to use buffer I/O or direct I/O depends on the mode when the
 * file is opened.
 * Remember, if use direct I/O, file must be page aligned.
 * Since the buffer used for file reading is provided by dma-buf, when
 * using direct I/O, the file content will be directly filled into
 * dma-buf without the need for additional CPU copying.
 *
 * 0 on success, negative if anything wrong.
 */
static int dma_heap_read_file_sync(struct dma_buf *dmabuf,
				   struct dma_heap_file *heap_file)
{
	struct iosys_map map;
	ssize_t bytes;
	int ret;

	ret = dma_buf_vmap(dmabuf, &map);
	if (ret)
		return ret;

	/**
	 * The kernel_read_file function can handle file reading effectively,
	 * and if the return value does not match the file size,
	 * then it indicates an error.
	 */
	bytes = kernel_read_file(heap_file->file, 0, &map.vaddr, dmabuf->size,
				 &heap_file->fsize, READING_POLICY);
	if (bytes != heap_file->fsize)
		ret = -EIO;

	dma_buf_vunmap(dmabuf, &map);

	return ret;
}

static int dma_heap_buffer_alloc_and_read(struct dma_heap *heap, int file_fd,
					  u32 fd_flags, u64 heap_flags)
{
	struct dma_heap_file heap_file;
	struct dma_buf *dmabuf;
	int ret, fd;

	ret = init_dma_heap_file(&heap_file, file_fd);
	if (ret)
		return ret;

	dmabuf = heap->ops->allocate(heap, heap_file.fsize, fd_flags,
				     heap_flags);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto error_file;
	}

	ret = dma_heap_read_file_sync(dmabuf, &heap_file);
	if (ret)
		goto error_put;

	ret = dma_buf_fd(dmabuf, fd_flags);
	if (ret < 0)
		goto error_put;

	fd = ret;

	deinit_dma_heap_file(&heap_file);

	return fd;

error_put:
	dma_buf_put(dmabuf);
error_file:
	deinit_dma_heap_file(&heap_file);

	return ret;
}

static int dma_heap_buffer_alloc(struct dma_heap *heap, size_t len,
				 u32 fd_flags,
				 u64 heap_flags)
{
	struct dma_buf *dmabuf;
	int fd;

	/*
	 * Allocations from all heaps have to begin
	 * and end on page boundaries.
	 */
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;

	dmabuf = heap->ops->allocate(heap, len, fd_flags, heap_flags);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	fd = dma_buf_fd(dmabuf, fd_flags);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		/* just return, as put will call release and that will free */
	}
	return fd;
}

static int dma_heap_open(struct inode *inode, struct file *file)
{
	struct dma_heap *heap;

	heap = xa_load(&dma_heap_minors, iminor(inode));
	if (!heap) {
		pr_err("dma_heap: minor %d unknown.\n", iminor(inode));
		return -ENODEV;
	}

	/* instance data as context */
	file->private_data = heap;
	nonseekable_open(inode, file);

	return 0;
}

static long dma_heap_ioctl_allocate(struct file *file, void *data)
{
	struct dma_heap_allocation_data *heap_allocation = data;
	struct dma_heap *heap = file->private_data;
	int fd;

	if (heap_allocation->fd)
		return -EINVAL;

	if (heap_allocation->fd_flags & ~DMA_HEAP_VALID_FD_FLAGS)
		return -EINVAL;

	if (heap_allocation->heap_flags & ~DMA_HEAP_VALID_HEAP_FLAGS)
		return -EINVAL;

	if (heap_allocation->heap_flags & DMA_HEAP_ALLOC_AND_READ_FILE)
		fd = dma_heap_buffer_alloc_and_read(
			heap, heap_allocation->file_fd,
			heap_allocation->fd_flags, heap_allocation->heap_flags);
	else
		fd = dma_heap_buffer_alloc(heap, heap_allocation->len,
					   heap_allocation->fd_flags,
					   heap_allocation->heap_flags);
	if (fd < 0)
		return fd;

	heap_allocation->fd = fd;

	return 0;
}

static unsigned int dma_heap_ioctl_cmds[] = {
	DMA_HEAP_IOCTL_ALLOC,
};

static long dma_heap_ioctl(struct file *file, unsigned int ucmd,
			   unsigned long arg)
{
	char stack_kdata[128];
	char *kdata = stack_kdata;
	unsigned int kcmd;
	unsigned int in_size, out_size, drv_size, ksize;
	int nr = _IOC_NR(ucmd);
	int ret = 0;

	if (nr >= ARRAY_SIZE(dma_heap_ioctl_cmds))
		return -EINVAL;

	nr = array_index_nospec(nr, ARRAY_SIZE(dma_heap_ioctl_cmds));
	/* Get the kernel ioctl cmd that matches */
	kcmd = dma_heap_ioctl_cmds[nr];

	/* Figure out the delta between user cmd size and kernel cmd size */
	drv_size = _IOC_SIZE(kcmd);
	out_size = _IOC_SIZE(ucmd);
	in_size = out_size;
	if ((ucmd & kcmd & IOC_IN) == 0)
		in_size = 0;
	if ((ucmd & kcmd & IOC_OUT) == 0)
		out_size = 0;
	ksize = max(max(in_size, out_size), drv_size);

	/* If necessary, allocate buffer for ioctl argument */
	if (ksize > sizeof(stack_kdata)) {
		kdata = kmalloc(ksize, GFP_KERNEL);
		if (!kdata)
			return -ENOMEM;
	}

	if (copy_from_user(kdata, (void __user *)arg, in_size) != 0) {
		ret = -EFAULT;
		goto err;
	}

	/* zero out any difference between the kernel/user structure size */
	if (ksize > in_size)
		memset(kdata + in_size, 0, ksize - in_size);

	switch (kcmd) {
	case DMA_HEAP_IOCTL_ALLOC:
		ret = dma_heap_ioctl_allocate(file, kdata);
		break;
	default:
		ret = -ENOTTY;
		goto err;
	}

	if (copy_to_user((void __user *)arg, kdata, out_size) != 0)
		ret = -EFAULT;
err:
	if (kdata != stack_kdata)
		kfree(kdata);
	return ret;
}
