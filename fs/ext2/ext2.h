/*
 * ext2.h - the ext2 on-disk format (revision 0 and 1), and the file system type.
 *
 * Everything here is the layout e2fsprogs and Linux agree on: a superblock at
 * byte 1024, block groups each with a block bitmap, an inode bitmap and an
 * inode table, described by a table of group descriptors in the block after
 * the superblock; inodes that map file blocks through 12 direct, one single,
 * one double and one triple indirect pointer; directories made of records
 * chained by rec_len that never cross a block.
 *
 * All numbers are little-endian on disk. The structures are read in place,
 * which is right on every architecture anyk runs on (x86_64, aarch64); a
 * big-endian port would convert in the few functions that copy them.
 * Nothing read from the disk is trusted before the checks in super.c (the
 * superblock and descriptors, once at mount), inode.c (each inode when it is
 * read, each block pointer when it is followed) and dir.c (each directory
 * block when it is read).
 */
#ifndef FS_EXT2_EXT2_H
#define FS_EXT2_EXT2_H

#include <anyk/types.h>
#include "fs/vfs.h"

#define EXT2_MAGIC 0xef53
#define EXT2_SUPER_OFFSET 1024          /* bytes from the start of the device */
#define EXT2_MIN_BLOCK_LOG 10           /* 1 KiB */
#define EXT2_MAX_BLOCK_LOG 12           /* 4 KiB: the largest Linux mounts on 4 KiB pages */

#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11      /* revision 0: inodes 1..10 are reserved */
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1

#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_FAST_SYMLINK_MAX 60        /* targets shorter than this live in i_block */

#define EXT2_LINK_MAX 32000

/* s_state */
#define EXT2_VALID_FS 0x0001            /* unmounted cleanly */
#define EXT2_ERROR_FS 0x0002            /* errors were detected */

/* s_errors: what to do when an error is detected */
#define EXT2_ERRORS_CONTINUE 1
#define EXT2_ERRORS_RO 2
#define EXT2_ERRORS_PANIC 3             /* treated as RO: a disk never stops the kernel */

/* s_feature_compat: may be ignored */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_FEATURE_COMPAT_HAS_JOURNAL 0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020

/* s_feature_incompat: must be understood to mount at all */
#define EXT2_FEATURE_INCOMPAT_COMPRESSION 0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_FEATURE_INCOMPAT_RECOVER 0x0004     /* a journal needs replaying */
#define EXT2_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG 0x0010
#define EXT2_FEATURE_INCOMPAT_EXTENTS 0x0040
#define EXT2_FEATURE_INCOMPAT_64BIT 0x0080
#define EXT2_FEATURE_INCOMPAT_MMP 0x0100
#define EXT2_FEATURE_INCOMPAT_FLEX_BG 0x0200
#define EXT2_FEATURE_INCOMPAT_EA_INODE 0x0400
#define EXT2_FEATURE_INCOMPAT_DIRDATA 0x1000
#define EXT2_FEATURE_INCOMPAT_CSUM_SEED 0x2000
#define EXT2_FEATURE_INCOMPAT_LARGEDIR 0x4000
#define EXT2_FEATURE_INCOMPAT_INLINE_DATA 0x8000
#define EXT2_FEATURE_INCOMPAT_ENCRYPT 0x10000
#define EXT2_FEATURE_INCOMPAT_CASEFOLD 0x20000
#define EXT2_FEATURE_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE

/* s_feature_ro_compat: must be understood to write */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR 0x0004  /* never used by anyone */
#define EXT2_FEATURE_RO_COMPAT_SUPP \
    (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE | \
     EXT2_FEATURE_RO_COMPAT_BTREE_DIR)

struct ext2_super {
    uint32_t s_inodes_count;
    uint32_t s_blocks_count;
    uint32_t s_r_blocks_count;          /* reserved for root */
    uint32_t s_free_blocks_count;
    uint32_t s_free_inodes_count;
    uint32_t s_first_data_block;        /* 1 with 1 KiB blocks, else 0 */
    uint32_t s_log_block_size;          /* block size = 1024 << this */
    uint32_t s_log_frag_size;
    uint32_t s_blocks_per_group;
    uint32_t s_frags_per_group;
    uint32_t s_inodes_per_group;
    uint32_t s_mtime;                   /* last mount */
    uint32_t s_wtime;                   /* last write of the superblock */
    uint16_t s_mnt_count;
    int16_t s_max_mnt_count;
    uint16_t s_magic;
    uint16_t s_state;
    uint16_t s_errors;
    uint16_t s_minor_rev_level;
    uint32_t s_lastcheck;
    uint32_t s_checkinterval;
    uint32_t s_creator_os;
    uint32_t s_rev_level;
    uint16_t s_def_resuid;
    uint16_t s_def_resgid;
    /* EXT2_DYNAMIC_REV only */
    uint32_t s_first_ino;               /* first inode for ordinary files */
    uint16_t s_inode_size;
    uint16_t s_block_group_nr;          /* which group this copy is in */
    uint32_t s_feature_compat;
    uint32_t s_feature_incompat;
    uint32_t s_feature_ro_compat;
    uint8_t s_uuid[16];
    char s_volume_name[16];
    char s_last_mounted[64];
    uint32_t s_algorithm_usage_bitmap;
    uint8_t s_prealloc_blocks;
    uint8_t s_prealloc_dir_blocks;
    uint16_t s_reserved_gdt_blocks;     /* after the descriptors, for online resize */
    uint8_t s_journal_uuid[16];
    uint32_t s_journal_inum;
    uint32_t s_journal_dev;
    uint32_t s_last_orphan;             /* head of the list of inodes to delete (via i_dtime) */
    uint32_t s_hash_seed[4];
    uint8_t s_def_hash_version;
    uint8_t s_jnl_backup_type;
    uint16_t s_desc_size;
    uint32_t s_default_mount_opts;
    uint32_t s_first_meta_bg;
    uint32_t s_mkfs_time;
    uint32_t s_jnl_blocks[17];
    uint32_t s_blocks_count_hi;         /* 64bit only */
    uint32_t s_r_blocks_count_hi;
    uint32_t s_free_blocks_hi;
    uint16_t s_min_extra_isize;         /* i_extra_isize every inode has, in large inodes */
    uint16_t s_want_extra_isize;        /* what new inodes get */
    uint8_t s_rest[1024 - 352];         /* ext4's fields: never read or written here */
};
_Static_assert(sizeof(struct ext2_super) == 1024, "ext2 superblock is 1 KiB");
_Static_assert(offsetof(struct ext2_super, s_last_orphan) == 232, "s_last_orphan offset");
_Static_assert(offsetof(struct ext2_super, s_want_extra_isize) == 350, "s_want_extra_isize");

/* A block group descriptor (32 bytes without the 64bit feature). */
struct ext2_group {
    uint32_t bg_block_bitmap;
    uint32_t bg_inode_bitmap;
    uint32_t bg_inode_table;
    uint16_t bg_free_blocks_count;
    uint16_t bg_free_inodes_count;
    uint16_t bg_used_dirs_count;
    uint16_t bg_flags;                  /* only meaningful with uninit_bg/metadata_csum */
    uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group) == 32, "ext2 group descriptor is 32 bytes");

/* The first 128 bytes of every inode. */
struct ext2_inode {
    uint16_t i_mode;
    uint16_t i_uid;                     /* low 16 bits */
    uint32_t i_size;                    /* low 32 bits */
    uint32_t i_atime;
    uint32_t i_ctime;
    uint32_t i_mtime;
    uint32_t i_dtime;                   /* deletion time; the next orphan while on the list */
    uint16_t i_gid;                     /* low 16 bits */
    uint16_t i_links_count;
    uint32_t i_blocks;                  /* 512-byte units, indirect and EA blocks included */
    uint32_t i_flags;
    uint32_t i_osd1;
    uint32_t i_block[EXT2_N_BLOCKS];
    uint32_t i_generation;
    uint32_t i_file_acl;                /* extended attribute block */
    uint32_t i_size_high;               /* regular files (large_file); i_dir_acl for directories */
    uint32_t i_faddr;
    uint16_t l_i_blocks_hi;             /* huge_file only */
    uint16_t l_i_file_acl_high;
    uint16_t l_i_uid_high;
    uint16_t l_i_gid_high;
    uint16_t l_i_checksum_lo;
    uint16_t l_i_reserved;
};
_Static_assert(sizeof(struct ext2_inode) == 128, "ext2 inode is 128 bytes");

/*
 * What follows the first 128 bytes in larger inodes; a field exists only if
 * i_extra_isize covers it. The *_extra times hold nanoseconds << 2 and, in
 * the low 2 bits, bits 32-33 of the seconds.
 */
struct ext2_inode_extra {
    uint16_t i_extra_isize;
    uint16_t i_checksum_hi;
    uint32_t i_ctime_extra;
    uint32_t i_mtime_extra;
    uint32_t i_atime_extra;
    uint32_t i_crtime;
    uint32_t i_crtime_extra;
};
#define EXT2_EXTRA_KNOWN ((uint32_t)sizeof(struct ext2_inode_extra))

/* i_flags */
#define EXT2_IMMUTABLE_FL 0x00000010
#define EXT2_APPEND_FL 0x00000020
#define EXT2_INDEX_FL 0x00001000        /* hashed-indexed directory (htree) */
#define EXT4_EXTENTS_FL 0x00080000
#define EXT4_INLINE_DATA_FL 0x10000000

/* A directory record; name_len + 8 rounded up to 4 is the least rec_len it needs. */
struct ext2_dirent {
    uint32_t inode;                     /* 0: an unused record */
    uint16_t rec_len;                   /* to the next record; the last one ends the block */
    uint8_t name_len;
    uint8_t file_type;                  /* EXT2_FT_*, with the filetype feature */
    char name[];
};
#define EXT2_DIRENT_HEAD 8
#define EXT2_DIR_REC_LEN(name_len) (((uint32_t)(name_len) + EXT2_DIRENT_HEAD + 3) & ~3u)

#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

/* The header of an extended attribute block (i_file_acl). */
struct ext2_xattr_header {
    uint32_t h_magic;
    uint32_t h_refcount;                /* inodes sharing this block */
    uint32_t h_blocks;
};
#define EXT2_XATTR_MAGIC 0xea020000

#define EXT2_STATFS_MAGIC 0xef53

extern const struct fs_type ext2_type;

#endif
